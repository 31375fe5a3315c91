// The file of saved secrets: JSON of encrypted entries by name, saying which cipher sealed them, written
// atomically and owner-only. A file that is not one, or was sealed by a cipher not at hand, is an
// AppError saying what to do.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { writeFileAtomic } from './atomic-write';
import { OWNER_ONLY } from './secret-cipher';

const fileSchema = z.object({
  version: z.literal(1),
  cipher: z.string(),
  entries: z.record(z.string(), z.string()),
});
export type SecretFile = z.infer<typeof fileSchema>;

export interface SecretFileAccess {
  read(): SecretFile;
  write(contents: SecretFile): void;
}

export function secretFile(file: string, cipherId: string): SecretFileAccess {
  return {
    read() {
      if (!existsSync(file)) return { version: 1, cipher: cipherId, entries: {} };
      let parsed: SecretFile;
      try {
        parsed = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      } catch (error) {
        throw new AppError(
          'invalid_input',
          `${file} is not a Looplab secrets file: ${(error as Error).message}`,
          'Move it away and set the keys again in Settings.',
        );
      }
      if (parsed.cipher !== cipherId) {
        throw new AppError(
          'unavailable',
          `${file} was written with ${parsed.cipher}, which this Looplab cannot read (it uses ${cipherId}).`,
          'Set the keys again in Settings, or give them as environment variables.',
        );
      }
      return parsed;
    },
    write(contents) {
      writeFileAtomic(file, `${JSON.stringify(contents, null, 2)}\n`, OWNER_ONLY);
      chmodSync(file, OWNER_ONLY);
    },
  };
}
