import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { Config } from "../config.js";
import type { Context } from "../context.js";
import { createFormatError } from "./format-error.js";
import { logger } from "./logger.js";

export function createApolloServer(schema: GraphQLSchema, config: Config): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema,
    introspection: true,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: config.environment === "development",
    formatError: createFormatError({
      exposeInternalErrors: config.environment === "development",
      log: (message, error) => logger.error(message, error),
    }),
    plugins: [
      // Our own explorer is served instead (src/server/explorer.ts): Apollo's landing page loads from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used; the plugin's per-field hooks cost more CPU than execution on large responses.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
}
