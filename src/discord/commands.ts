/** The application commands as data; scripts/register-commands.ts sends them all to Discord. */
import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import { MAX_QUESTION_LENGTH } from '../search/engine.js';

export const MAX_TOP = 5;
/** The message command's name, as shown under Apps on a message. */
export const FIND_IN_ARTICLES = 'Find in the articles';

export const COMMANDS: RESTPostAPIApplicationCommandsJSONBody[] = [
  {
    name: 'ask',
    description: 'Ask about the articles; the answer is verbatim quotes with their sources.',
    options: [
      { name: 'question', description: 'Your question', type: ApplicationCommandOptionType.String, required: true, max_length: MAX_QUESTION_LENGTH },
      { name: 'top', description: `How many quotes (1-${MAX_TOP}, default 3)`, type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: MAX_TOP },
      { name: 'public', description: 'Show the answer to everyone in the channel (default: yes)', type: ApplicationCommandOptionType.Boolean },
    ],
  },
  { name: 'sources', description: 'What I answer from: the articles, and questions to try. Only you see it.' },
  // A message command: under Apps on any message, it looks the message up as a claim.
  { name: FIND_IN_ARTICLES, type: ApplicationCommandType.Message },
];
