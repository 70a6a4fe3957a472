import { Field, ID, InterfaceType } from "type-graphql";

/** A row tagged with the GraphQL type it resolves as (what node(id:) returns). */
export interface TypedRow {
  readonly __typename: string;
}

@InterfaceType("Node", {
  description: "An object with a global id: any of them can be fetched again with `node(id:)`.",
  resolveType: (value: TypedRow) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: "Global id: opaque, stable, unique across all types." })
  id!: string;
}
