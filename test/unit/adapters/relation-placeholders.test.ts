import { describe, expect, it } from 'vitest';
import { bindRelationPlaceholders } from '../../../src/adapters/base-dialect.js';

const names = { sqlkit_dest: '"main"."songplays"', sqlkit_new: '"temp"."songplays__sqlkit_incr_1"' };

describe('incremental_predicates placeholders', () => {
  it('names both tables, as a qualifier and as a table in a subquery', () => {
    expect(bindRelationPlaceholders('sqlkit_dest.start_time >= (select min(start_time) from sqlkit_new)', names)).toBe(
      '"main"."songplays".start_time >= (select min(start_time) from "temp"."songplays__sqlkit_incr_1")',
    );
  });

  it('matches whole words in any case and leaves string literals and quoted identifiers alone', () => {
    expect(bindRelationPlaceholders(`SQLKIT_DEST.note <> 'sqlkit_new' and "sqlkit_dest" = my_sqlkit_new_col and sqlkit_newer = 1 and 'it''s sqlkit_dest' <> ''`, names)).toBe(
      `"main"."songplays".note <> 'sqlkit_new' and "sqlkit_dest" = my_sqlkit_new_col and sqlkit_newer = 1 and 'it''s sqlkit_dest' <> ''`,
    );
  });
});
