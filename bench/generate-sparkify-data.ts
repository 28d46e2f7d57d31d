import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createRandom } from './random.js';

export interface SparkifyData {
  dir: string;
  events: number;
  songs: number;
  /** The file of the extra day, kept aside for the incremental measure. */
  extraDay: string;
}

const FIRST = ['Ava', 'Liam', 'Mia', 'Noah', 'Zoe', 'Ethan', 'Ivy', 'Lucas', 'Nora', 'Owen', 'Ruby', 'Kai'];
const LAST = ['Smith', 'Garcia', 'Chen', 'Okafor', 'Novak', 'Silva', 'Kim', 'Haddad', 'Rossi', 'Dubois'];
const CITIES = ['San Francisco-Oakland-Hayward, CA', 'New York-Newark-Jersey City, NY-NJ-PA', 'Chicago-Naperville-Elgin, IL-IN-WI', 'Atlanta-Sandy Springs-Roswell, GA', 'Seattle-Tacoma-Bellevue, WA'];
const AGENTS = ['"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36"', '"Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0"'];
const WORDS = ['Love', 'Night', 'Blue', 'Fire', 'Dream', 'River', 'Gold', 'Heart', 'Stone', 'Rain', 'Light', 'Road', 'Wild', 'Echo', 'Summer'];
const PAGES = ['Home', 'Logout', 'Settings', 'Help', 'About', 'Upgrade', 'Downgrade'];
const DAY_MS = 86_400_000;
const START = Date.UTC(2018, 10, 1);

/**
 * Sparkify-shaped raw data, deterministic for a seed: eventsim-like JSON-lines log files (one per day, 30 days
 * plus one extra day kept aside) and one-object-per-file song files. About 80% of events are NextSong plays, and
 * most plays name a generated song exactly, so the songplays join matches as it does on the real data.
 * Generated once per size and seed into `root` and reused.
 */
export async function generateSparkifyData(root: string, events: number, songs: number, seed = 11): Promise<SparkifyData> {
  const dir = join(root, `sparkify-${events}-${songs}-${seed}`);
  const extraDay = join(dir, 'extra', '2018-12-01-events.json');
  if (existsSync(join(dir, 'DONE'))) return { dir, events, songs, extraDay };
  rmSync(dir, { recursive: true, force: true });
  const random = createRandom(seed);
  const catalog: { id: string; title: string; artist: string; artistId: string; duration: string }[] = [];
  const artists = Math.max(1, Math.floor(songs * 0.65));
  for (let i = 0; i < songs; i++) {
    const artistIndex = random.int(artists);
    const title = `${random.pick(WORDS)} ${random.pick(WORDS)} ${i}`;
    const artist = `The ${random.pick(WORDS)}s ${artistIndex}`;
    const duration = (100 + random.next() * 300).toFixed(5);
    const id = `SO${String(i).padStart(16, '0')}`;
    const artistId = `AR${String(artistIndex).padStart(16, '0')}`;
    catalog.push({ id, title, artist, artistId, duration });
    const folder = join(dir, 'song_data', id.slice(-3, -2), id.slice(-2, -1), id.slice(-1));
    if (!existsSync(folder)) mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, `TR${id.slice(2)}.json`),
      JSON.stringify({ artist_id: artistId, artist_latitude: random.next() < 0.5 ? null : Number((random.next() * 90).toFixed(5)), artist_location: random.pick(['', ...CITIES]), artist_longitude: null, artist_name: artist, duration: Number(duration), num_songs: 1, song_id: id, title, year: 1960 + random.int(60) }),
    );
  }
  const days = 31;
  const perDay = Math.ceil(events / 30);
  const users = Math.max(10, Math.floor(events / 1000));
  let session = 0;
  mkdirSync(join(dir, 'log_data'), { recursive: true });
  mkdirSync(join(dir, 'extra'), { recursive: true });
  for (let day = 0; day < days; day++) {
    const date = new Date(START + day * DAY_MS).toISOString().slice(0, 10);
    const file = day === 30 ? extraDay : join(dir, 'log_data', `${date}-events.json`);
    const out = createWriteStream(file);
    let buffer = '';
    let item = 0;
    let user = random.int(users);
    for (let e = 0; e < perDay; e++) {
      if (item === 0 || random.next() < 0.02) {
        session++;
        item = 0;
        user = random.int(users);
      }
      const ts = START + day * DAY_MS + Math.floor((e / perDay) * DAY_MS);
      const loggedIn = random.next() > 0.03;
      const play = loggedIn && random.next() < 0.82;
      const song = play ? (random.next() < 0.7 ? catalog[random.int(catalog.length)]! : undefined) : undefined;
      const level = user % 3 === 0 ? 'paid' : 'free';
      buffer += `{"artist":${play ? JSON.stringify(song?.artist ?? `Unknown Artist ${random.int(5000)}`) : 'null'},"auth":"${loggedIn ? 'Logged In' : 'Logged Out'}","firstName":${loggedIn ? `"${FIRST[user % FIRST.length]}"` : 'null'},"gender":${loggedIn ? `"${user % 2 ? 'F' : 'M'}"` : 'null'},"itemInSession":${item},"lastName":${loggedIn ? `"${LAST[user % LAST.length]}"` : 'null'},"length":${play ? (song?.duration ?? (100 + random.next() * 300).toFixed(5)) : 'null'},"level":"${level}","location":${loggedIn ? JSON.stringify(CITIES[user % CITIES.length]) : 'null'},"method":"${play ? 'PUT' : 'GET'}","page":"${play ? 'NextSong' : random.pick(PAGES)}","registration":${loggedIn ? `${1540000000000 + user * 1000}.0` : 'null'},"sessionId":${session},"song":${play ? JSON.stringify(song?.title ?? `Unknown Song ${random.int(100000)}`) : 'null'},"status":200,"ts":${ts},"userAgent":${loggedIn ? JSON.stringify(AGENTS[user % AGENTS.length]) : 'null'},"userId":"${loggedIn ? user + 1 : ''}"}\n`;
      item++;
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await once(out, 'drain');
        buffer = '';
      }
    }
    out.end(buffer);
    await once(out, 'finish');
  }
  writeFileSync(join(dir, 'DONE'), new Date().toISOString());
  return { dir, events, songs, extraDay };
}

/** Moves the extra day into the log folder (the "new day arrives" step) or back out. */
export function moveExtraDay(data: SparkifyData, into: boolean): void {
  const inside = join(data.dir, 'log_data', '2018-12-01-events.json');
  if (into && existsSync(data.extraDay)) renameSync(data.extraDay, inside);
  if (!into && existsSync(inside)) renameSync(inside, data.extraDay);
}
