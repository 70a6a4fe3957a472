import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from "type-graphql";
import { Restricted, Role, storedValueReader } from "../access/access.roles.js";
import type { Context } from "../../context.js";
import { toGlobalId } from "../../lib/global-id.js";
import { Money, toMoney } from "../../lib/money.js";
import { BidirectionalPageArgs, ConnectionType } from "../../lib/pagination.js";
import { DateScalar } from "../../lib/scalars.js";
import { RecordCodRemittanceInput } from "../shipment/shipment.input.js";
import type { ShipmentRow } from "../shipment/shipment.sql.js";
import { CodRemittance, RecordCodRemittancePayload, Shipment } from "../shipment/shipment.type.js";
import { recordCodRemittance } from "./cod-remittance.ingest.js";
import { findRemittanceByReference, remittanceQuery, remittedBetween } from "./cod-remittance.repository.js";
import { orderTerm } from "../../db/query-sql.js";
import { QUERY, QUERY_MODEL } from "../../projections.js";
import type { CodRemittanceRow } from "./cod-remittance.sql.js";
import { BY_FIELD, type InputDeclarations, UNSELECTIVE } from "../access/access.inputs.js";

const CodRemittanceConnection = ConnectionType(CodRemittance, "CodRemittance", "COD remittance batches");

export const CodRemittanceWhere = QUERY.where("CodRemittance");
const CodRemittanceOrderBy = QUERY.orderBy("CodRemittance");

/** Latest remittance day first: the order of `codRemittances` without `orderBy`. */
const REMITTANCE_DEFAULT_ORDER = [orderTerm(QUERY_MODEL, "CodRemittance", "REMITTED_ON", true)];

@ArgsType()
class CodRemittancesArgs extends BidirectionalPageArgs {
  @Field(() => CodRemittanceWhere, { nullable: true, description: "Which batches: conditions on their fields (amount in rupees); omitted: all." })
  where?: Record<string, unknown> | null;

  @Field(() => [CodRemittanceOrderBy], { nullable: true, description: "Order, key by key; ties by the batch's internal id. Default: latest remittance day first." })
  orderBy?: { field: string; direction?: string | null }[] | null;

  @Field(() => DateScalar, { nullable: true, description: "Remitted on or after this IST day." })
  remittedFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Remitted on or before this IST day (inclusive)." })
  remittedTo?: string | null;
}

@Resolver(() => CodRemittance)
export class CodRemittanceResolver {
  @Restricted(Role.FINANCE)
  @Query(() => CodRemittance, { nullable: true, description: "One COD remittance batch by its reference (UTR, any case); null when unknown." })
  async codRemittance(
    @Arg("reference", () => String, { description: "The bank reference (UTR)." }) reference: string,
    @Ctx() ctx: Context,
  ): Promise<CodRemittanceRow | null> {
    return (await findRemittanceByReference(ctx.database.db, reference.trim().toUpperCase())) ?? null;
  }

  @Restricted(Role.FINANCE)
  @Query(() => CodRemittanceConnection, { nullable: true, description: "COD remittance batches, latest remittance day first." })
  async codRemittances(@Args(() => CodRemittancesArgs) args: CodRemittancesArgs, @Ctx() ctx: Context) {
    return remittanceQuery(QUERY_MODEL).connection(ctx.database.db, args, {
      fallback: REMITTANCE_DEFAULT_ORDER,
      conditions: remittedBetween(args.remittedFrom ?? null, args.remittedTo ?? null),
      maxPageSize: ctx.config.maxPageSize,
      name: "codRemittances",
    });
  }

  @Restricted(Role.OPERATOR)
  @Mutation(() => RecordCodRemittancePayload, {
    description:
      "Records a COD remittance batch, all or nothing. Refused when its amount differs from the sum of its shipments' COD amounts " +
      "(with both figures for viewers with FINANCE, who may read COD amounts); " +
      "shipments' COD amounts; each shipment must be a delivered COD shipment not in another batch. The same batch again is " +
      "reported unchanged.",
  })
  recordCodRemittance(
    @Arg("input", () => RecordCodRemittanceInput, { description: "The batch." }) input: RecordCodRemittanceInput,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    const readable = storedValueReader(ctx.viewer, info.schema);
    return ctx.database.transaction(({ db }) => recordCodRemittance(db, input, readable));
  }

  @FieldResolver(() => ID, { description: "Global id of the batch." })
  id(@Root() r: CodRemittanceRow): string {
    return toGlobalId("CodRemittance", r.id);
  }

  @FieldResolver(() => Money, { description: "Amount remitted: equals the sum of the covered shipments' COD amounts." })
  amount(@Root() r: CodRemittanceRow): Money {
    return toMoney(r.amountPaise);
  }

  @FieldResolver(() => [Shipment], { description: "The COD shipments the batch pays for, by booking time." })
  shipments(@Root() r: CodRemittanceRow, @Ctx() ctx: Context): Promise<ShipmentRow[]> {
    return ctx.loaders.shipmentsByRemittanceId.load(r.id);
  }
}

/** What each remittance input selects rows by (access.inputs.ts). */
export const codRemittanceInputAccess: InputDeclarations = {
  "Query.codRemittance(reference:)": "CodRemittance.reference",
  "Query.codRemittances(remittedFrom:)": "CodRemittance.remittedOn",
  "Query.codRemittances(remittedTo:)": "CodRemittance.remittedOn",
  "Query.codRemittances(where:)": BY_FIELD,
  "Query.codRemittances(orderBy:)": BY_FIELD,
  "Query.codRemittances(first:)": UNSELECTIVE,
  "Query.codRemittances(after:)": UNSELECTIVE,
  "Query.codRemittances(last:)": UNSELECTIVE,
  "Query.codRemittances(before:)": UNSELECTIVE,
};
