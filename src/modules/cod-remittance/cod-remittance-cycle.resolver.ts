import { Arg, Ctx, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { BadUserInputError } from "../../lib/errors.js";
import { DateScalar } from "../../lib/scalars.js";
import { Restricted, Role } from "../access/access.roles.js";
import { findRemittanceCycles, upsertRemittanceCycle } from "./cod-remittance.repository.js";

@ObjectType("CodRemittanceCycle", {
  description:
    "The contract's COD remittance cycle from a day on: the most days from delivery to remittance that count as on time for the " +
    "REMITTANCE_WITHIN_CYCLE KPI, until the next cycle's first day.",
})
export class CodRemittanceCycle {
  @Field(() => DateScalar, { description: "First day the cycle applies (IST calendar)." })
  validFrom!: string;

  @Field(() => Int, { description: "Days from the IST delivery day to the remittance day, 1 to 90." })
  days!: number;

  @Field(() => Boolean, { description: "True when made by the demo generator: not the real contract." })
  synthetic!: boolean;
}

@InputType("SetCodRemittanceCycleInput", { description: "A remittance cycle and the day it takes effect." })
class SetCodRemittanceCycleInput {
  @Field(() => DateScalar, { description: "First day it applies; identifies the cycle." })
  validFrom!: string;

  @Field(() => Int, { description: "Days from delivery to remittance, 1 to 90." })
  days!: number;
}

@ObjectType("SetCodRemittanceCyclePayload", { description: "What setCodRemittanceCycle changed." })
class SetCodRemittanceCyclePayload {
  @Field(() => Boolean, { description: "True when the cycle was new or its days changed; false when it was already as given." })
  changed!: boolean;

  @Field(() => [CodRemittanceCycle], { description: "Every cycle, oldest first." })
  cycles!: CodRemittanceCycle[];
}

@Resolver()
export class CodRemittanceCycleResolver {
  @Restricted()
  @Query(() => [CodRemittanceCycle], { description: "The contract's COD remittance cycles, oldest first." })
  async codRemittanceCycles(@Ctx() ctx: Context): Promise<CodRemittanceCycle[]> {
    return (await findRemittanceCycles(ctx.database.db)).map((c) => Object.assign(new CodRemittanceCycle(), c));
  }

  @Restricted(Role.FINANCE)
  @Mutation(() => SetCodRemittanceCyclePayload, {
    description: "Records the contract's COD remittance cycle from a day on (the same cycle again changes nothing; new days replace the old).",
  })
  async setCodRemittanceCycle(
    @Arg("input", () => SetCodRemittanceCycleInput, { description: "The cycle." }) input: SetCodRemittanceCycleInput,
    @Ctx() ctx: Context,
  ): Promise<SetCodRemittanceCyclePayload> {
    if (!Number.isInteger(input.days) || input.days < 1 || input.days > 90) {
      throw new BadUserInputError(`input.days must be a whole number of days from 1 to 90; got ${input.days}.`, { field: "input.days", value: input.days });
    }
    const changed = await upsertRemittanceCycle(ctx.database.db, input.validFrom, input.days);
    const cycles = (await findRemittanceCycles(ctx.database.db)).map((c) => Object.assign(new CodRemittanceCycle(), c));
    return Object.assign(new SetCodRemittanceCyclePayload(), { changed, cycles });
  }
}
