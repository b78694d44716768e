/**
 * The offline twin in one call: a forge (GitHub's REST API over a real git repository), an
 * Actions runner listening to it, and a scripted model server. Tests, the demo and rehearsals
 * start one, drive the real factory against it, and close it, which removes every temp file.
 */
import { createForge, type Forge, type ForgeOptions, type Seed } from './forge/index.ts';
import { createModelServer, type ModelScript, type ModelServer } from './model/index.ts';
import { createRunner, type Runner, type RunnerOptions } from './runner/index.ts';

/** The first commit on `main`: a directory (`.gitignore` honoured) or an explicit file map. */
export type TwinSeed = { readonly seedDir: string } | { readonly seed: Seed };

export type TwinOptions = TwinSeed & TwinSettings;

export interface TwinSettings {
  /** What the model server plays, per role; empty by default (every request is then refused). */
  readonly script?: ModelScript;
  readonly forge?: Omit<ForgeOptions, 'seed'>;
  readonly runner?: Omit<RunnerOptions, 'secrets' | 'vars'> & {
    readonly secrets?: Readonly<Record<string, string>>;
    readonly vars?: Readonly<Record<string, string>>;
  };
  /** Start the runner (default true); a test of the forge alone may leave it out. */
  readonly withRunner?: boolean;
}

export interface Twin {
  readonly forge: Forge;
  readonly model: ModelServer;
  readonly runner: Runner | undefined;
  /** What a person or a script needs to talk to the twin. */
  readonly info: TwinInfo;
  /**
   * Resolves once the line has come to rest: every event delivered, no run queued or running, and
   * it stays so for a moment (a run's last write may raise one more event).
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface TwinInfo {
  readonly forge: string;
  readonly model: string;
  readonly git: string;
  readonly repo: string;
  readonly tokens: Readonly<Record<string, string>>;
}

/** The model key the twin's jobs see: a recognisable fake, so a leak of it is easy to assert on. */
export const TWIN_MODEL_KEY = 'sk-ant-twin-0000000000000000000000000000';

/** How long the twin must stay quiet to count as settled. */
const QUIET_MS = 150;

export async function startTwin(options: TwinOptions): Promise<Twin> {
  const model = await createModelServer({ script: options.script ?? {} });
  let forge: Forge | undefined;
  try {
    const seed = 'seed' in options ? options.seed : { dir: options.seedDir };
    forge = await createForge({ ...options.forge, seed });
    const runner =
      options.withRunner === false
        ? undefined
        : createRunner(forge, {
            ...options.runner,
            secrets: { ANTHROPIC_API_KEY: TWIN_MODEL_KEY, ...options.runner?.secrets },
            vars: { ANTHROPIC_BASE_URL: model.url, ...options.runner?.vars },
          });
    return assemble(forge, model, runner);
  } catch (error) {
    await forge?.close();
    await model.close();
    throw error;
  }
}

function assemble(forge: Forge, model: ModelServer, runner: Runner | undefined): Twin {
  const { owner, name } = forge.repository;
  return {
    forge,
    model,
    runner,
    info: {
      forge: forge.apiUrl,
      model: model.url,
      git: forge.gitUrl,
      repo: `${owner}/${name}`,
      tokens: { writer: forge.as('writer'), reader: forge.as('reader') },
    },
    async settle() {
      if (runner === undefined) return;
      for (;;) {
        await runner.idle();
        const seen = forge.events.length + runner.runs().length;
        await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
        await runner.idle();
        if (forge.events.length + runner.runs().length === seen) return;
      }
    },
    async close() {
      await runner?.close();
      await forge.close();
      await model.close();
    },
  };
}
