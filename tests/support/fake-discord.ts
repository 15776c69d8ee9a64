/**
 * A small fake Discord on 127.0.0.1 for the real discord.js Client: the
 * REST routes the bot uses (recorded for assertions) and a JSON gateway
 * that says HELLO, answers heartbeats, sends READY + GUILD_CREATE, can ask
 * the client to reconnect (op 7) and accepts its RESUME.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const BOT_ID = '100000000000000001';
export const APP_ID = BOT_ID;
export const GUILD_ID = '200000000000000001';
export const CHANNEL_ID = '300000000000000001';
export const TOKEN = 'fake.bot.token-DO-NOT-LOG';

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
}

/** Matches the bot's reply to one user message: a channel POST that references it. */
export const replyTo = (messageId: string) => (r: RecordedRequest) =>
  r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages` && (r.body?.message_reference as { message_id?: string } | undefined)?.message_id === messageId;

let snowflake = 400000000000000000n;
const nextId = () => (snowflake++).toString();

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  private http!: Server;
  private gateway!: WebSocketServer;
  private socket: WebSocket | undefined;
  private sequence = 0;
  private waiters: { match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  /** The id each clicked bot message has, so clicks on the same reply name the same message. */
  private readonly sentIds = new WeakMap<RecordedRequest, string>();
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

  dispatch(type: string, data: Record<string, unknown>): void {
    this.socket?.send(JSON.stringify({ op: 0, t: type, s: ++this.sequence, d: data }));
  }

  /** Asks the client to reconnect (op 7), as Discord does during rolling restarts. */
  requestReconnect(): void {
    this.socket?.send(JSON.stringify({ op: 7, d: null }));
  }

  mention(content: string, author: { id: string; bot?: boolean } = { id: '500000000000000001' }, mentionsBot = true): string {
    const id = nextId();
    this.dispatch('MESSAGE_CREATE', {
      id,
      type: 0,
      channel_id: CHANNEL_ID,
      guild_id: GUILD_ID,
      author: { id: author.id, username: `user${author.id.slice(-3)}`, discriminator: '0', avatar: null, bot: author.bot ?? false },
      member: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false },
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: mentionsBot ? [{ id: BOT_ID, username: 'Quotebot', discriminator: '0', avatar: null, bot: true }] : [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
    });
    return id;
  }

  slash(options: { name: string; type: number; value: string | number | boolean }[], userId = '500000000000000002'): { id: string; token: string } {
    return this.interaction(2, { id: '600000000000000001', name: 'ask', type: 1, options }, userId);
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

  private connect(socket: WebSocket): void {
    this.socket = socket;
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 } }));
    socket.on('message', (raw) => {
      const packet = JSON.parse(raw.toString()) as { op: number; d: Record<string, unknown> | number | null };
      if (packet.op === 1) socket.send(JSON.stringify({ op: 11 }));
      else if (packet.op === 2) this.identify(socket);
      else if (packet.op === 6) {
        this.resumes++;
        this.socket = socket;
        this.dispatch('RESUMED', {});
      }
    });
  }

  private identify(socket: WebSocket): void {
    this.identifies++;
    if (this.rejectToken) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    this.sequence = 0;
    this.dispatch('READY', {
      v: 10,
      user: { id: BOT_ID, username: 'Quotebot', discriminator: '0', avatar: null, bot: true, flags: 0 },
      guilds: [{ id: GUILD_ID, unavailable: true }],
      session_id: 'fake-session',
      resume_gateway_url: this.apiBase.replace(/^http/, 'ws').replace(/\/api$/, ''),
      application: { id: APP_ID, flags: 0 },
    });
    this.dispatch('GUILD_CREATE', {
      id: GUILD_ID,
      name: 'Newsroom',
      unavailable: false,
      owner_id: '500000000000000009',
      member_count: 3,
      roles: [{ id: GUILD_ID, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false }],
      channels: [{ id: CHANNEL_ID, type: 0, name: 'news', position: 0, guild_id: GUILD_ID, permission_overwrites: [] }],
      threads: [],
      members: [],
      emojis: [],
      stickers: [],
      features: [],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      joined_at: '2024-01-01T00:00:00.000Z',
    });
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
    const record: RecordedRequest = { method: req.method ?? 'GET', path, body, authorization: req.headers.authorization };
    this.requests.push(record);
    this.waiters = this.waiters.filter((w) => (w.match(record) ? (w.resolve(record), false) : true));

    const json = (status: number, payload: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    // Like Discord: an interaction callback is acknowledged with an empty 204, no content type.
    const noContent = () => {
      res.writeHead(204);
      res.end();
    };
    if (this.rejectToken) return json(401, { message: '401: Unauthorized', code: 0 });
    if (path === '/gateway/bot') {
      return json(200, {
        url: this.apiBase.replace(/^http/, 'ws').replace(/\/api$/, ''),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (path.endsWith('/callback')) return noContent();
    const message = (channel = CHANNEL_ID) => ({ ...botMessage(body), id: nextId(), channel_id: channel });
    const channelMessage = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (channelMessage && req.method === 'POST') return json(200, message(channelMessage[1]));
    if (path.startsWith('/webhooks/')) return json(200, message());
    if (path.startsWith('/applications/')) return json(200, Array.isArray(body) ? body : []);
    return json(404, { message: 'Unknown route', code: 0 });
  }
}

/** A message as Discord returns it for what the bot sent. */
function botMessage(body: Record<string, unknown> | undefined): Record<string, unknown> {
  return {
    id: nextId(),
    type: 0,
    channel_id: CHANNEL_ID,
    author: { id: BOT_ID, username: 'Quotebot', discriminator: '0', avatar: null, bot: true },
    content: (body?.content as string) ?? '',
    embeds: body?.embeds ?? [],
    components: body?.components ?? [],
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    pinned: false,
  };
}
