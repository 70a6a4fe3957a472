import { Field, InputType, Int, ObjectType } from "type-graphql";
import { DateScalar } from "../../lib/scalars.js";
import { RouteClass } from "../shipment/shipment.type.js";
import type { RouteClassValue } from "./service-norm.sql.js";

@ObjectType("ServiceNorm", {
  description:
    "India Post's delivery norm for a product on a route class: the promised day is the IST booking day D plus `days` working days " +
    "(Sundays and public holidays skipped), plus one more working day when a branch office delivers. Used by the on-time KPI.",
})
export class ServiceNorm {
  @Field(() => String, { description: "The product's code." })
  productCode!: string;

  @Field(() => RouteClass, { description: "Origin/destination class: LOCAL, METRO_TO_METRO, WITHIN_CIRCLE, REST_OF_INDIA or REMOTE." })
  routeClass!: RouteClassValue;

  @Field(() => Int, { description: "Working days after the booking day." })
  days!: number;
}

@ObjectType("PublicHoliday", { description: "A day India Post does not deliver besides Sundays: due dates skip it." })
export class PublicHoliday {
  @Field(() => DateScalar, { description: "The day (IST calendar)." })
  day!: string;

  @Field(() => String, { description: "The holiday's name, e.g. 'Gandhi Jayanti'." })
  name!: string;
}

@InputType("PublicHolidayInput", { description: "One public holiday." })
export class PublicHolidayInput {
  @Field(() => DateScalar, { description: "The day (IST calendar); with no other key, the day identifies the holiday." })
  date!: string;

  @Field(() => String, { description: "Its name, 1 to 200 characters." })
  name!: string;
}

@InputType("SetPublicHolidaysInput", { description: "Holidays to add (or rename) and days to remove, all together or not at all." })
export class SetPublicHolidaysInput {
  @Field(() => [PublicHolidayInput], { defaultValue: [], description: "Holidays to add; a stored day with another name is renamed." })
  add!: PublicHolidayInput[];

  @Field(() => [DateScalar], { defaultValue: [], description: "Days to remove from the list; a day not in it is left alone (unchanged)." })
  remove!: string[];
}

@ObjectType("SetPublicHolidaysPayload", { description: "What setPublicHolidays changed." })
export class SetPublicHolidaysPayload {
  @Field(() => Int, { description: "Days added." })
  created!: number;

  @Field(() => Int, { description: "Stored days renamed." })
  updated!: number;

  @Field(() => Int, { description: "Days already as asked: nothing written." })
  unchanged!: number;

  @Field(() => Int, { description: "Days removed." })
  removed!: number;

  @Field(() => Int, { description: "Shipments whose promised day moved because of the change (and with it, possibly, their on-time status)." })
  shipmentsRescheduled!: number;

  @Field(() => [PublicHoliday], { description: "The whole list after the change, oldest first." })
  holidays!: PublicHoliday[];
}
