// events.jsonl grows by a line per step while a job runs; this reads only what was appended since the last look.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENTS_FILE, type RunEvent } from '../core/runFolder/runFolder';

interface Cached {
  offset: number;
  events: RunEvent[];
}

export class EventsCache {
  private readonly byDir = new Map<string, Cached>();

  /** The run's events so far (a torn last line is left for the next read). */
  read(dir: string): readonly RunEvent[] {
    const file = path.join(dir, EVENTS_FILE);
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      this.byDir.delete(dir);
      return [];
    }
    let cached = this.byDir.get(dir);
    if (!cached || size < cached.offset) cached = { offset: 0, events: [] };
    if (size > cached.offset) cached = appendFrom(file, cached, size);
    this.byDir.set(dir, cached);
    return cached.events;
  }

  forget(dir: string): void {
    this.byDir.delete(dir);
  }
}

function appendFrom(file: string, cached: Cached, size: number): Cached {
  const buffer = Buffer.alloc(size - cached.offset);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, buffer, 0, buffer.length, cached.offset);
  } finally {
    fs.closeSync(fd);
  }
  const text = buffer.toString('utf8');
  const complete = text.lastIndexOf('\n') + 1;
  const events = [...cached.events];
  for (const line of text.slice(0, complete).split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // A line that is not JSON (a killed writer's fragment followed by more lines): skip it.
    }
  }
  return { offset: cached.offset + Buffer.byteLength(text.slice(0, complete), 'utf8'), events };
}
