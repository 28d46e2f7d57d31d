/** A fixed-size pool of sessions: acquire waits while every session is busy. */
export class SessionPool<S> {
  private readonly idle: S[] = [];
  private readonly all: S[] = [];
  private readonly waiting: ((session: S) => void)[] = [];
  private creating = 0;

  constructor(
    private readonly size: number,
    private readonly create: () => Promise<S>,
  ) {}

  async acquire(): Promise<S> {
    const session = this.idle.pop();
    if (session) return session;
    if (this.all.length + this.creating < this.size) {
      this.creating++;
      try {
        const created = await this.create();
        this.all.push(created);
        return created;
      } finally {
        this.creating--;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(session: S): void {
    const next = this.waiting.shift();
    if (next) next(session);
    else this.idle.push(session);
  }

  sessions(): readonly S[] {
    return this.all;
  }

  drain(): S[] {
    const sessions = [...this.all];
    this.all.length = 0;
    this.idle.length = 0;
    return sessions;
  }
}
