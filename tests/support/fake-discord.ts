/**
 * A small fake Discord on 127.0.0.1 for the real discord.js Client: the
 * REST routes the bot uses (recorded for assertions) and a JSON gateway
 * that says HELLO, answers heartbeats, sends READY + GUILD_CREATE, can ask
 * the client to reconnect (op 7) or break its connection (see disrupt) and
 * accepts its RESUME, replaying the events it missed. Sharded like
 * Discord: each connection identifies as shard [id, count] and receives only
 * the guilds that shard owns. REST requests can be made to fail on plan
 * (a 5xx, before or after taking effect, or a 429 with Retry-After).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const BOT_ID = '100000000000000001';
export const APP_ID = BOT_ID;
export const GUILD_ID = '200000000000000001';
export const CHANNEL_ID = '300000000000000001';
/** A public thread under CHANNEL_ID, in every guild's GUILD_CREATE. */
export const THREAD_ID = '300000000000000002';
export const TOKEN = 'fake.bot.token-DO-NOT-LOG';

/** A guild and the one text channel the fake gives it. */
export interface Place {
  guildId: string;
  channelId: string;
}
export const HOME: Place = { guildId: GUILD_ID, channelId: CHANNEL_ID };

/** Discord's rule for which shard receives a guild's events. */
export const shardOf = (guildId: string, shardCount: number): number => Number((BigInt(guildId) >> 22n) % BigInt(shardCount));

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
  /** When it arrived (Date.now()), and the status the fake answered. */
  at: number;
  status: number;
  /** The query string's parameters (GET /channels/…/messages?limit=…&before=…). */
  query?: Record<string, string>;
}

/** A planned failure for the next `times` requests that match (see FakeDiscord.fail). */
interface PlannedFailure {
  match: (r: RecordedRequest) => boolean;
  status: number;
  times: number;
  landed: boolean;
  retryAfter: number;
}

/** One gateway session: the shard it identified as and the socket it is on now (a RESUME moves it). */
interface Session {
  shard: [number, number];
  socket: WebSocket;
  sequence: number;
  /** Every event of the session, the one numbered s at s − 1, with the id of a dispatched one: a RESUME replays those past the client's last. */
  sent: { packet: string; id?: string }[];
  /** False once Discord would refuse a RESUME (invalidated with op 9, closed with 1000 by either side): its events are then lost. */
  resumable: boolean;
}

/** Ways Discord breaks a gateway connection: a close code (1006 is a dropped TCP connection), op 7, or op 9 saying whether the session may resume. */
export type Disruption = { close: 1000 | 1006 | 4000 } | { op: 7 } | { op: 9; resumable: boolean };

/** Matches the bot's reply to one user message: a channel POST that references it. */
export const replyTo = (messageId: string, channelId = CHANNEL_ID) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/channels/${channelId}/messages` && (r.body?.message_reference as { message_id?: string } | undefined)?.message_id === messageId;

let snowflake = 400000000000000000n;
const nextId = () => (snowflake++).toString();

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  /** Requests that took effect, as users would see them: not those failed before acting, repeated nonces or second acknowledgements. */
  readonly landed: RecordedRequest[] = [];
  /** Guilds the bot is in; each shard is sent those it owns. */
  readonly guilds: Place[] = [HOME];
  /** The shard count GET /gateway/bot recommends. */
  shardCount = 1;
  /** The `shard` of every IDENTIFY, in order. */
  readonly identified: [number, number][] = [];
  private http!: Server;
  private gateway!: WebSocketServer;
  private readonly sessions = new Map<string, Session>();
  /** Sockets the fake has ended a connection on (a close, op 7, op 9): like Discord, it sends no more events on them. */
  private readonly ended = new WeakSet<WebSocket>();
  /** Ids of the dispatched events sent on a live connection or replayed on RESUME: those that reached the client. */
  readonly reached = new Set<string>();
  private failures: PlannedFailure[] = [];
  /** Message creates sent with enforce_nonce, by channel and nonce: a repeat returns the first message, as Discord does. */
  private readonly nonces = new Map<string, Record<string, unknown>>();
  /** Every channel message by id, the users' and the bot's, for GET …/messages (a follow-up reads what it replies to). */
  private readonly stored = new Map<string, Record<string, unknown>>();
  private readonly acknowledged = new Set<string>();
  private waiters: { match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  /** The id each clicked bot message has, so clicks on the same reply name the same message. */
  private readonly sentIds = new WeakMap<RecordedRequest, string>();
  /** The message id of each interaction's reply, by its token. */
  private readonly originals = new Map<string, string>();
  identifies = 0;
  resumes = 0;
  /** Set to make GET /users/@me and IDENTIFY reject the token. */
  rejectToken = false;

  get apiBase(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/api`;
  }

  async start(): Promise<void> {
    this.http = createServer((req, res) => void this.handle(req, res));
    this.gateway = new WebSocketServer({ server: this.http });
    this.gateway.on('connection', (socket) => this.connect(socket));
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const client of this.gateway.clients) client.terminate();
    this.gateway.close();
    this.http.closeAllConnections();
    await new Promise((resolve) => this.http.close(resolve));
  }

  /** Resolves with the first recorded request (past or future) that matches. */
  waitFor(match: (r: RecordedRequest) => boolean, timeoutMs = 15_000): Promise<RecordedRequest> {
    const seen = this.requests.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fake Discord: timed out waiting for a request')), timeoutMs);
      this.waiters.push({ match, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }

  sends(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  /**
   * Makes the next `times` requests that match fail with `status`. A 5xx is
   * answered before acting, or with `landed` after acting (a proxy or a
   * timeout losing Discord's answer); a 429 carries Retry-After and the
   * bucket headers Discord sends, `retryAfter` seconds.
   */
  fail(match: (r: RecordedRequest) => boolean, status: number, { times = 1, landed = false, retryAfter = 0.2 } = {}): void {
    this.failures.push({ match, status, times, landed, retryAfter });
  }

  /**
   * Sends a guild's event in every session of the shard that owns the guild, as Discord routes them:
   * on its connection if live, else kept for its RESUME (lost if it identifies anew instead).
   */
  dispatch(type: string, data: Record<string, unknown> & { guild_id: string }): void {
    for (const session of this.sessions.values()) {
      if (session.resumable && shardOf(data.guild_id, session.shard[1]) === session.shard[0]) this.send(session, type, data, String(data.id));
    }
  }

  /** Asks every connected shard to reconnect (op 7), as Discord does during rolling restarts. */
  requestReconnect(): void {
    this.disrupt({ op: 7 });
  }

  /** Breaks every live connection the way `how` says; events dispatched until the client is back wait for its RESUME, or are lost. */
  disrupt(how: Disruption): void {
    for (const session of this.live()) {
      const { socket } = session;
      this.ended.add(socket);
      if ('close' in how) {
        session.resumable = how.close !== 1000;
        if (how.close === 1006) socket.terminate();
        else socket.close(how.close);
      } else {
        if (how.op === 9) session.resumable = how.resumable;
        socket.send(JSON.stringify({ op: how.op, d: how.op === 9 ? how.resumable : null }));
      }
    }
  }

  /** Sessions on an open connection the fake still sends on (a stopped bot's, or one told to reconnect, are not). */
  private live(): Session[] {
    return [...this.sessions.values()].filter((session) => this.isLive(session));
  }

  private isLive({ socket }: Session): boolean {
    return socket.readyState === socket.OPEN && !this.ended.has(socket);
  }

  mention(content: string, author: { id: string; bot?: boolean } = { id: '500000000000000001' }, mentionsBot = true, place = HOME, replyTo?: string): string {
    const referenced = replyTo ? this.stored.get(replyTo) : undefined;
    const message = channelMessage({ id: author.id, username: `user${author.id.slice(-3)}`, bot: author.bot ?? false }, content, {
      channel_id: place.channelId,
      guild_id: place.guildId,
      member: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false },
      // A reply pings its author by default: the bot is then among the mentions, as for a mention.
      mentions: mentionsBot ? [{ id: BOT_ID, username: 'Quotebot', discriminator: '0', avatar: null, bot: true }] : [],
      ...(replyTo ? { type: 19, message_reference: { message_id: replyTo, channel_id: place.channelId, guild_id: place.guildId }, referenced_message: referenced ?? null } : {}),
    });
    this.stored.set(message.id as string, message);
    this.dispatch('MESSAGE_CREATE', message as Record<string, unknown> & { guild_id: string });
    return message.id as string;
  }

  /** The id of the message a recorded send made, once it landed. */
  messageIdOf(sent: RecordedRequest): string | undefined {
    return this.sentIds.get(sent);
  }

  /** The message the bot sent in reply to a message (its recorded POST's answer), by that message's id. */
  replyIdTo(messageId: string): string | undefined {
    for (const [id, m] of this.stored) if ((m.message_reference as { message_id?: string } | undefined)?.message_id === messageId && (m.author as { id: string }).id === BOT_ID) return id;
    return undefined;
  }

  slash(options: { name: string; type: number; value: string | number | boolean }[], userId = '500000000000000002', name = 'ask'): { id: string; token: string } {
    return this.interaction(2, { id: '600000000000000001', name, type: 1, options }, userId);
  }

  /** "Find in the articles" (a message command) on a message in the channel: Discord resolves the target message into the interaction. */
  messageCommand(content: string, author: { id: string; bot?: boolean } = { id: '500000000000000004' }, userId = '500000000000000002'): { id: string; token: string } {
    const message = channelMessage({ id: author.id, username: `user${author.id.slice(-3)}`, bot: author.bot ?? false }, content);
    const targetId = message.id as string;
    return this.interaction(2, { id: '600000000000000002', name: 'Find in the articles', type: 3, target_id: targetId, resolved: { messages: { [targetId]: message } } }, userId);
  }

  /** A click on a button of a message the bot sent (its recorded POST or PATCH); clicks on one reply share its id. */
  click(customId: string, sent: RecordedRequest, userId = '500000000000000003'): { id: string; token: string } {
    let messageId = this.sentIds.get(sent);
    if (!messageId) this.sentIds.set(sent, (messageId = nextId()));
    const message = { ...botMessage(sent.body), id: messageId };
    return this.interaction(3, { custom_id: customId, component_type: 2 }, userId, { message });
  }

  private interaction(type: number, data: Record<string, unknown>, userId: string, extra: Record<string, unknown> = {}): { id: string; token: string } {
    const id = nextId();
    const token = `interaction-token-${id}`;
    const user = { id: userId, username: `user${userId.slice(-3)}`, discriminator: '0', avatar: null, global_name: null };
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: APP_ID,
      type,
      token,
      version: 1,
      guild_id: GUILD_ID,
      channel_id: CHANNEL_ID,
      channel: { id: CHANNEL_ID, type: 0, guild_id: GUILD_ID, name: 'news' },
      member: { user, roles: [], permissions: '2248473465835073', joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false },
      data,
      app_permissions: '2248473465835073',
      locale: 'en-GB',
      guild_locale: 'en-GB',
      entitlements: [],
      authorizing_integration_owners: {},
      context: 0,
      ...extra,
    });
    return { id, token };
  }

  private send(session: Session, type: string, data: Record<string, unknown>, id?: string): void {
    const event = { packet: JSON.stringify({ op: 0, t: type, s: ++session.sequence, d: data }), id };
    session.sent.push(event);
    if (this.isLive(session)) this.deliver(session.socket, event);
  }

  private deliver(socket: WebSocket, { packet, id }: Session['sent'][number]): void {
    socket.send(packet);
    if (id) this.reached.add(id);
  }

  private connect(socket: WebSocket): void {
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 } }));
    // A client leaving with 1000 ends its session, as on Discord; other codes (4200 before a RESUME) keep it.
    socket.on('close', (code) => {
      for (const session of this.sessions.values()) if (session.socket === socket && code === 1000) session.resumable = false;
    });
    socket.on('message', (raw) => {
      const packet = JSON.parse(raw.toString()) as { op: number; d: { shard?: [number, number]; session_id?: string; seq?: number } };
      if (packet.op === 1) socket.send(JSON.stringify({ op: 11 }));
      else if (packet.op === 2) this.identify(socket, packet.d.shard ?? [0, 1]);
      else if (packet.op === 6) {
        const session = this.sessions.get(packet.d.session_id ?? '');
        if (!session) return socket.close(4009, 'Session timed out.');
        this.resumes++;
        // op 9 with d: true is answered with a RESUME on the same connection.
        this.ended.delete(socket);
        session.socket = socket;
        // As Discord does: the events after the client's last sequence, in order, then RESUMED.
        for (const event of session.sent.slice(packet.d.seq ?? 0)) this.deliver(socket, event);
        this.send(session, 'RESUMED', {});
      }
    });
  }

  private identify(socket: WebSocket, shard: [number, number]): void {
    this.identifies++;
    this.identified.push(shard);
    if (this.rejectToken) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    const session: Session = { shard, socket, sequence: 0, sent: [], resumable: true };
    const sessionId = `fake-session-${this.identifies}`;
    this.sessions.set(sessionId, session);
    const owned = this.guilds.filter((g) => shardOf(g.guildId, shard[1]) === shard[0]);
    this.send(session, 'READY', {
      v: 10,
      user: { id: BOT_ID, username: 'Quotebot', discriminator: '0', avatar: null, bot: true, flags: 0 },
      guilds: owned.map((g) => ({ id: g.guildId, unavailable: true })),
      session_id: sessionId,
      shard,
      resume_gateway_url: this.apiBase.replace(/^http/, 'ws').replace(/\/api$/, ''),
      application: { id: APP_ID, flags: 0 },
    });
    for (const place of owned) this.send(session, 'GUILD_CREATE', guildCreate(place));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const path = decodeURIComponent((req.url ?? '').replace(/^\/api\/v\d+/, '').split('?')[0]!);
    let body: Record<string, unknown> | undefined;
    if (text) {
      // Multipart bodies (attachments) are not used by the bot; JSON is.
      body = (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(text) as Record<string, unknown>) : { raw: text };
    }
    const query = Object.fromEntries(new URLSearchParams((req.url ?? '').split('?')[1] ?? ''));
    const record: RecordedRequest = { method: req.method ?? 'GET', path, body, authorization: req.headers.authorization, at: Date.now(), status: 0, query };
    const failure = this.failures.find((f) => f.times > 0 && f.match(record));
    if (failure) failure.times--;
    const acted = failure && !failure.landed ? undefined : this.act(record);
    const answer = failure ? failed(failure) : acted!;
    record.status = answer.status;
    this.requests.push(record);
    this.waiters = this.waiters.filter((w) => (w.match(record) ? (w.resolve(record), false) : true));
    // Like Discord: an interaction callback is acknowledged with an empty 204, no content type.
    res.writeHead(answer.status, answer.payload === undefined ? answer.headers : { 'Content-Type': 'application/json', ...answer.headers });
    res.end(answer.payload === undefined ? undefined : JSON.stringify(answer.payload));
  }

  /** What Discord does with a request: its answer, and the request recorded in `landed` when it took effect. */
  private act(r: RecordedRequest): HttpAnswer {
    if (this.rejectToken) return { status: 401, payload: { message: '401: Unauthorized', code: 0 } };
    if (r.path === '/gateway/bot') {
      return {
        status: 200,
        payload: {
          url: this.apiBase.replace(/^http/, 'ws').replace(/\/api$/, ''),
          shards: this.shardCount,
          // A large bot's identify bucket: its shards identify together instead of 5 s apart.
          session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 16 },
        },
      };
    }
    const landed = (answer: HttpAnswer) => {
      this.landed.push(r);
      // The message a send made is the one a later click is on: the same id, as on Discord.
      const id = (answer.payload as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') this.sentIds.set(r, id);
      return answer;
    };
    const callback = /^\/interactions\/(\d+)\/[^/]+\/callback$/.exec(r.path);
    if (callback) {
      if (this.acknowledged.has(callback[1]!)) return { status: 400, payload: { message: 'Interaction has already been acknowledged.', code: 40060 } };
      this.acknowledged.add(callback[1]!);
      return landed({ status: 204 });
    }
    const channelMessage = /^\/channels\/(\d+)\/messages$/.exec(r.path);
    if (channelMessage && r.method === 'POST') {
      const nonce = r.body?.enforce_nonce === true ? `${channelMessage[1]}:${String(r.body.nonce)}` : undefined;
      const earlier = nonce ? this.nonces.get(nonce) : undefined;
      if (earlier) return { status: 200, payload: earlier };
      const reference = r.body?.message_reference as { message_id?: string } | undefined;
      const message: Record<string, unknown> = {
        ...botMessage(r.body),
        channel_id: channelMessage[1],
        ...(reference?.message_id ? { type: 19, message_reference: { message_id: reference.message_id, channel_id: channelMessage[1] }, referenced_message: this.stored.get(reference.message_id) ?? null } : {}),
      };
      if (nonce) this.nonces.set(nonce, message);
      this.stored.set(message.id as string, message);
      return landed({ status: 200, payload: message });
    }
    const oneMessage = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(r.path);
    if (oneMessage && r.method === 'GET') {
      const message = this.stored.get(oneMessage[2]!);
      return message ? { status: 200, payload: message } : { status: 404, payload: { message: 'Unknown Message', code: 10008 } };
    }
    if (channelMessage && r.method === 'GET') {
      // Newest first, as Discord lists them.
      const before = r.query?.before ? BigInt(r.query.before) : undefined;
      const list = [...this.stored.values()]
        .filter((m) => m.channel_id === channelMessage[1] && (before === undefined || BigInt(m.id as string) < before))
        .sort((a, b) => (BigInt(b.id as string) > BigInt(a.id as string) ? 1 : -1))
        .slice(0, Number(r.query?.limit ?? 50));
      return { status: 200, payload: list };
    }
    const original = /^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/.exec(r.path);
    if (original) {
      // An interaction's reply is one message: every edit of @original answers with its id.
      const id = this.originals.get(original[1]!) ?? (botMessage(r.body).id as string);
      this.originals.set(original[1]!, id);
      return landed({ status: 200, payload: { ...botMessage(r.body), id } });
    }
    if (r.path.startsWith('/webhooks/')) return landed({ status: 200, payload: botMessage(r.body) });
    if (r.path.startsWith('/applications/')) return landed({ status: 200, payload: Array.isArray(r.body) ? r.body : [] });
    return { status: 404, payload: { message: 'Unknown route', code: 0 } };
  }
}

interface HttpAnswer {
  status: number;
  payload?: unknown;
  headers?: Record<string, string>;
}

/** A planned failure's answer: a bare 5xx, or a 429 with the headers discord.js schedules its retry by. */
function failed({ status, retryAfter }: PlannedFailure): HttpAnswer {
  if (status !== 429) return { status, payload: { message: 'Internal Server Error', code: 0 } };
  const wait = String(retryAfter);
  return {
    status,
    headers: { 'Retry-After': wait, 'X-RateLimit-Limit': '5', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset-After': wait, 'X-RateLimit-Bucket': 'fake-bucket', 'X-RateLimit-Scope': 'user' },
    payload: { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
  };
}

/** A guild as GUILD_CREATE sends it, with its one text channel. */
function guildCreate({ guildId, channelId }: Place): Record<string, unknown> {
  return {
    id: guildId,
    name: `Newsroom ${guildId.slice(-3)}`,
    unavailable: false,
    owner_id: '500000000000000009',
    member_count: 3,
    roles: [{ id: guildId, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false }],
    channels: [{ id: channelId, type: 0, name: 'news', position: 0, guild_id: guildId, permission_overwrites: [] }],
    threads: [
      { id: THREAD_ID, type: 11, name: 'follow-ups', guild_id: guildId, parent_id: channelId, owner_id: '500000000000000001', message_count: 0, member_count: 1, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: '2024-01-01T00:00:00.000Z', locked: false } },
    ],
    members: [],
    emojis: [],
    stickers: [],
    features: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    joined_at: '2024-01-01T00:00:00.000Z',
  };
}

/** A channel message as Discord sends it, by an author. */
function channelMessage(author: { id: string; username: string; bot: boolean }, content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: nextId(),
    type: 0,
    channel_id: CHANNEL_ID,
    author: { ...author, discriminator: '0', avatar: null },
    content,
    embeds: [],
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    pinned: false,
    ...extra,
  };
}

/** A message as Discord returns it for what the bot sent. */
function botMessage(body: Record<string, unknown> | undefined): Record<string, unknown> {
  return channelMessage({ id: BOT_ID, username: 'Quotebot', bot: true }, (body?.content as string) ?? '', { embeds: body?.embeds ?? [], components: body?.components ?? [] });
}
