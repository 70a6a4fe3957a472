import { Field, ObjectType } from "type-graphql";
import { Node } from "../node/node.type.js";

@ObjectType("Circle", {
  implements: Node,
  description:
    "A postal circle: the top administrative unit of India Post under the Directorate (23 circles, " +
    "plus the functional APS Base Circle for the Army Postal Service). Circles contain regions, regions " +
    "contain divisions. Names are normalised (e.g. source spelling 'Jammukashmir' → 'Jammu & Kashmir'); " +
    "offices in Telangana state filed under Andhra Pradesh by pre-2014 sources are placed in the Telangana circle.",
})
export class Circle extends Node {
  @Field(() => String, { description: "Circle name, e.g. 'North Eastern', 'West Bengal'." })
  name!: string;
}

@ObjectType("Region", {
  implements: Node,
  description: "A postal region within a circle (source name without its 'Region' suffix, e.g. 'Srinagar HQ').",
})
export class Region extends Node {
  @Field(() => String, { description: "Region name as in the directory, without the word 'Region'." })
  name!: string;
}

@ObjectType("Division", {
  implements: Node,
  description: "A postal division within a region: the unit that administers head, sub and branch offices.",
})
export class Division extends Node {
  @Field(() => String, { description: "Division name as in the directory, without the word 'Division'." })
  name!: string;
}
