import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Organisation } from "./access.keys.js";
import { ROLE_DESCRIPTIONS, Role } from "./access.roles.js";

registerEnumType(Role, {
  name: "Role",
  description: "What a viewer may read and do. ADMIN implies every other role.",
  valuesConfig: Object.fromEntries(Object.values(Role).map((role) => [role, { description: ROLE_DESCRIPTIONS[role] }])),
});

registerEnumType(Organisation, {
  name: "Organisation",
  description: "The partner a viewer belongs to.",
  valuesConfig: {
    AMAZON: { description: "Amazon India." },
    INDIA_POST: { description: "India Post (Department of Posts); such a viewer may be limited to one postal circle." },
    PARTNERSHIP: { description: "The partnership's own administrators and services." },
  },
});

@ObjectType("Viewer", { description: "Who is asking: the identity behind the request's Authorization header." })
export class ViewerInfo {
  @Field(() => Boolean, { description: "False for a caller without credentials (it sees only the public directory)." })
  authenticated!: boolean;

  @Field(() => String, { description: "How the viewer proved itself: anonymous, apiKey or token." })
  kind!: string;

  @Field(() => String, { nullable: true, description: "Name of the API key, or the token's name (else its subject); null when anonymous." })
  name!: string | null;

  @Field(() => Organisation, { nullable: true, description: "The viewer's organisation; null when anonymous." })
  organisation!: Organisation | null;

  @Field(() => [Role], { description: "The viewer's roles; empty when anonymous." })
  roles!: Role[];

  @Field(() => String, {
    nullable: true,
    description: "The postal circle the viewer's rows are limited to (India Post circle users); null: not limited.",
  })
  circle!: string | null;
}
