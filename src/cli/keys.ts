import type { Command } from "commander";
import { type ApiKeySummary, createApiKey, listApiKeys, ORGANISATIONS, revokeApiKey } from "../modules/access/access.keys.js";
import { Role } from "../modules/access/access.roles.js";
import { openConfiguredDatabase } from "./database.js";
import { logger } from "../server/logger.js";

export function describeKey(key: ApiKeySummary): string {
  const state = key.revokedAt === null ? "active" : `revoked ${key.revokedAt.toISOString()}`;
  const used = key.lastUsedAt === null ? "never used" : `last used ${key.lastUsedAt.toISOString()}`;
  const circle = key.circle === null ? "" : ` circle=${key.circle}`;
  return `${key.id}\t${key.prefix}\t${key.organisation}\t${key.roles.join(",")}${circle}\t${JSON.stringify(key.name)}\t${state}, ${used}`;
}

/** `dakgraph keys create | list | revoke`: API keys for the Authorization: Bearer header. */
export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("API keys (sent as `Authorization: Bearer <key>`)");
  keys
    .command("create")
    .description("Create a key and print it: it is shown this once, only its SHA-256 digest is stored")
    .requiredOption("--name <name>", "who or what uses the key, e.g. 'Delhi circle dashboard'")
    .requiredOption("--org <organisation>", ORGANISATIONS.join(" | "))
    .requiredOption("--roles <roles>", `comma-separated: ${Object.values(Role).join(",")}`)
    .option("--circle <circle>", "INDIA_POST keys only: limit the key to one postal circle's rows, e.g. 'Delhi'")
    .action(async (options: { name: string; org: string; roles: string; circle?: string }) => {
      const { database } = await openConfiguredDatabase();
      try {
        const { key, summary } = await createApiKey(database.db, {
          name: options.name,
          organisation: options.org,
          roles: options.roles.split(","),
          circle: options.circle ?? null,
        });
        logger.info(describeKey(summary));
        logger.info("The key (shown once; store it now) is on standard output.");
        console.log(key);
      } finally {
        await database.close();
      }
    });
  keys
    .command("list")
    .description("List keys: id, prefix, organisation, roles, name, state (never the keys themselves)")
    .action(async () => {
      const { database } = await openConfiguredDatabase();
      try {
        for (const key of await listApiKeys(database.db)) console.log(describeKey(key));
      } finally {
        await database.close();
      }
    });
  keys
    .command("revoke")
    .description("Revoke a key by its prefix (dak_xxxxxxxx) or id; servers stop accepting it within a minute")
    .argument("<prefix-or-id>")
    .action(async (prefixOrId: string) => {
      const { database } = await openConfiguredDatabase();
      try {
        const revoked = await revokeApiKey(database.db, prefixOrId);
        if (revoked === undefined) {
          logger.error(`No active key with prefix or id ${JSON.stringify(prefixOrId)}.`, undefined);
          process.exitCode = 1;
          return;
        }
        console.log(describeKey(revoked));
      } finally {
        await database.close();
      }
    });
}
