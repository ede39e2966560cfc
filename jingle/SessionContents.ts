/**
 * Every content a session ever had, in m-line order, with the remote and the
 * local party's latest description of each, and the session's groups. A
 * content is never removed: it becomes rejected, so m-line positions never
 * move (Unified Plan). Used by JingleSession.
 */
import { badRequest, type JingleError } from './JingleError';
import {
  jingleToSdp,
  type JingleToSdpOptions,
  type MediaSection,
  type SdpType,
} from './jingleToSdp';
import type { ContentGroup, JingleContent, Role } from './model';
import { err, ok, type Result } from './result';
import { mergeTransport } from './transportUpdates';

export interface SessionContent {
  readonly name: string;
  readonly creator: Role;
  /** The remote party's latest description of the content. */
  readonly remote: JingleContent | undefined;
  /** The local party's latest description (from local SDP). */
  readonly local: JingleContent | undefined;
  /** Removed or refused: a port-0 m-line from now on. */
  readonly rejected: boolean;
}

export interface Slot {
  name: string;
  creator: Role;
  remote: JingleContent | undefined;
  local: JingleContent | undefined;
  rejected: boolean;
}

export class SessionContents {
  readonly slots: Slot[] = [];
  groups: ContentGroup[] = [];

  has(name: string): boolean {
    return this.slots.some((s) => s.name === name);
  }

  get(name: string): Slot | undefined {
    return this.slots.find((s) => s.name === name);
  }

  indexOf(slot: Slot): number {
    return this.slots.indexOf(slot);
  }

  creatorOf(name: string, fallback: Role): Role {
    return this.get(name)?.creator ?? fallback;
  }

  /** New contents at the end, from the remote or the local party. */
  append(contents: readonly JingleContent[], side: 'local' | 'remote'): void {
    for (const content of contents) {
      this.slots.push({
        name: content.name,
        creator: content.creator,
        remote: side === 'remote' ? content : undefined,
        local: side === 'local' ? content : undefined,
        rejected: false,
      });
    }
  }

  /**
   * New local contents at the m-line positions the local offer gave them. A
   * browser recycles a rejected m-line for a new track (JSEP 5.2.2), so a
   * rejected slot at that position is replaced; any other goes at the end.
   */
  placeLocal(contents: readonly { content: JingleContent; index: number }[]): void {
    for (const { content, index } of contents) {
      const slot: Slot = {
        name: content.name,
        creator: content.creator,
        remote: undefined,
        local: content,
        rejected: false,
      };
      const recycled = this.slots[index];
      if (recycled?.rejected) {
        this.slots[index] = slot;
        this.groups = this.groups.map((g) => ({
          ...g,
          contents: g.contents.filter((n) => n !== recycled.name),
        }));
      } else {
        this.slots.push(slot);
      }
    }
  }

  /** The slots of these contents, or an error naming the first unknown one. */
  find(contents: readonly Pick<JingleContent, 'name'>[]): Result<Slot[], JingleError> {
    const found: Slot[] = [];
    for (const content of contents) {
      const slot = this.get(content.name);
      if (!slot)
        return err(
          badRequest(`jingle.content[${content.name}]`, 'no such content in this session'),
        );
      found.push(slot);
    }
    return ok(found);
  }

  /** Marks these contents rejected; returns the ones that were not yet. */
  reject(names: readonly string[]): Slot[] {
    const newly = this.slots.filter((s) => names.includes(s.name) && !s.rejected);
    for (const slot of newly) slot.rejected = true;
    return newly;
  }

  /** These contents are refused if the remote party never described them (an answer left them out). */
  refuseUndescribed(names: readonly string[]): void {
    this.reject(this.slots.filter((s) => names.includes(s.name) && !s.remote).map((s) => s.name));
  }

  /** The local party's latest descriptions; its rejected m-lines become rejected contents. */
  updateLocal(
    contents: readonly JingleContent[],
    rejected: readonly string[],
  ): Result<void, JingleError> {
    for (const content of contents) {
      const slot = this.get(content.name);
      if (!slot) return err(badRequest(`sdp.m[${content.name}]`, 'not a content of this session'));
      slot.local = content;
    }
    this.reject(rejected);
    return ok(undefined);
  }

  /** The remote party's new description of a content, merged into what it said before. */
  updateRemote(slot: Slot, next: JingleContent): void {
    slot.remote = mergeContent(slot.remote, next);
  }

  /** New contents join the BUNDLE group unless a group already lists them. */
  joinBundle(names: readonly string[]): void {
    if (this.groups.some((g) => names.every((name) => g.contents.includes(name)))) return;
    this.groups = this.groups.map((g) =>
      g.semantics === 'BUNDLE'
        ? { ...g, contents: [...g.contents, ...names.filter((n) => !g.contents.includes(n))] }
        : g,
    );
  }

  /** The remote party's description as SDP, every content in m-line order. */
  render(type: SdpType, options: Omit<JingleToSdpOptions, 'type'>): Result<string, JingleError> {
    const sections: MediaSection[] = [];
    for (const slot of this.slots) {
      const content = slot.remote ?? slot.local;
      if (!content || (!slot.remote && !slot.rejected)) {
        return err(badRequest(`content[${slot.name}]`, 'no description from the remote party yet'));
      }
      sections.push({ content, rejected: slot.rejected });
    }
    return jingleToSdp(sections, this.groups, { ...options, type });
  }

  snapshot(): SessionContent[] {
    return this.slots.map((s) => ({ ...s }));
  }
}

/** A later description of a content replaces the parts it carries and keeps the rest. */
function mergeContent(previous: JingleContent | undefined, next: JingleContent): JingleContent {
  if (!previous) return next;
  const merged: JingleContent = { ...previous, ...next };
  if (!next.description && previous.description) merged.description = previous.description;
  if (next.transport) merged.transport = mergeTransport(previous.transport, next.transport);
  return merged;
}
