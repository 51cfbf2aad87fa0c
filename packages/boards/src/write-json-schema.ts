// Regenerates boards/board.schema.json from the zod board schema: `npm run schema -w @murmur/boards`.
import { relative } from 'node:path';
import { boardJsonSchemaPath, writeBoardJsonSchema } from './json-schema';

const file = boardJsonSchemaPath();
const changed = await writeBoardJsonSchema(file);
console.log(`${relative(process.cwd(), file)} ${changed ? 'written' : 'already up to date'}`);
