/**
 * `npm run register`: sends the slash commands (src/discord/commands.ts) to
 * Discord — to one server when DISCORD_GUILD_ID is set (instant), globally
 * otherwise (can take up to an hour to appear).
 */
import 'dotenv/config';
import { REST, Routes } from 'discord.js';
import { loadConfig } from '../src/config/env.js';
import { COMMANDS } from '../src/discord/commands.js';
import { fail, oneLine } from '../src/errors.js';

try {
  const { discord } = loadConfig();
  if (!discord.token) throw fail('MISSING_TOKEN');
  if (!discord.appId) throw fail('INVALID_CONFIG', 'DISCORD_APP_ID', '""', 'set it to the Application ID from the Developer Portal');
  const rest = new REST(discord.apiBase ? { api: discord.apiBase } : {}).setToken(discord.token.reveal());
  const route = discord.guildId ? Routes.applicationGuildCommands(discord.appId, discord.guildId) : Routes.applicationCommands(discord.appId);
  await rest.put(route, { body: COMMANDS });
  process.stderr.write(`registered ${COMMANDS.map((c) => (c.type === undefined || c.type === 1 ? `/${c.name}` : `"${c.name}"`)).join(', ')} ${discord.guildId ? `in server ${discord.guildId}` : 'globally'}\n`);
} catch (error) {
  process.stderr.write(`error: ${oneLine(error)}\n`);
  process.exitCode = 1;
}
