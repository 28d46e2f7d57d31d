import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './temp-project.js';

/**
 * The Sparkify star schema's expected contents computed straight from the raw JSON files in plain TypeScript,
 * independently of sqlkit and of the SQL models, so the models can be checked against them.
 */
export interface RawEvent {
  artist: string | null;
  firstName: string | null;
  lastName: string | null;
  level: string | null;
  length: number | null;
  page: string;
  sessionId: number;
  itemInSession: number;
  song: string | null;
  ts: number;
  userId: string;
}

export interface RawSong {
  song_id: string;
  title: string | number;
  artist_id: string;
  artist_name: string | number;
  duration: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

export function readRawEvents(dir = join(DATA_DIR, 'log_data')): RawEvent[] {
  return filesUnder(dir).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as RawEvent),
  );
}

export function readRawSongs(dir = join(DATA_DIR, 'song_data')): RawSong[] {
  return filesUnder(dir).map((file) => JSON.parse(readFileSync(file, 'utf8')) as RawSong);
}

export interface ExpectedStarSchema {
  songplays: number;
  songplaysWithSong: number;
  users: Map<number, string>;
  songs: number;
  artists: number;
  times: number;
  plays: { sessionId: number; itemInSession: number; ts: number; songId: string | null }[];
}

export function expectedStarSchema(events = readRawEvents(), songs = readRawSongs()): ExpectedStarSchema {
  const plays = events.filter((e) => e.page === 'NextSong');
  const songKey = (title: unknown, artist: unknown, duration: unknown) => `${String(title)}\u0000${String(artist)}\u0000${Number(duration)}`;
  const byKey = new Map<string, string>();
  for (const song of songs) {
    const key = songKey(song.title, song.artist_name, song.duration);
    const current = byKey.get(key);
    if (current === undefined || song.song_id < current) byKey.set(key, song.song_id);
  }
  const latest = new Map<number, { ts: number; level: string }>();
  for (const event of events) {
    if (event.userId === '') continue;
    const id = Number(event.userId);
    const seen = latest.get(id);
    if (!seen || event.ts > seen.ts) latest.set(id, { ts: event.ts, level: event.level ?? '' });
  }
  const playRows = plays.map((p) => ({
    sessionId: p.sessionId,
    itemInSession: p.itemInSession,
    ts: p.ts,
    songId: byKey.get(songKey(p.song, p.artist, p.length)) ?? null,
  }));
  return {
    songplays: plays.length,
    songplaysWithSong: playRows.filter((p) => p.songId !== null).length,
    users: new Map([...latest].map(([id, v]) => [id, v.level])),
    songs: new Set(songs.map((s) => s.song_id)).size,
    artists: new Set(songs.map((s) => s.artist_id)).size,
    times: new Set(plays.map((p) => p.ts)).size,
    plays: playRows,
  };
}
