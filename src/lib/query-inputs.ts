import { Field, Float, InputType, Int, registerEnumType } from "type-graphql";
import type { ClassType } from "type-graphql";
import { BY_FIELD, BY_VALUE, type InputDeclaration, UNSELECTIVE, OPERATOR } from "../modules/access/access.inputs.js";
import type { Operand } from "./projection.js";
import { type Comparable, isEnumOperand, type QueryModel } from "./query-model.js";
import { DateScalar, DateTimeScalar } from "./scalars.js";
import { OrderDirection } from "./order-direction.js";

/*
 * The filter and order inputs of every connection, generated from the query model (src/lib/query-model.ts), so a
 * field made filterable in the registry is filterable everywhere its type is listed, with the operators that fit
 * its operand, and needs the roles reading it needs (the access declarations below name the field it mirrors).
 */

export { OrderDirection };
registerEnumType(OrderDirection, {
  name: "OrderDirection",
  description: "Which way an order key sorts. Where nulls go is said by each orderBy argument.",
  valuesConfig: {
    ASC: { description: "Smallest first (earliest instant or day, A before Z, false before true)." },
    DESC: { description: "Largest first." },
  },
});

type Ops = "eq" | "ne" | "in" | "notIn" | "isNull" | "gt" | "gte" | "lt" | "lte" | "startsWith" | "contains";

const OP_DESCRIPTIONS: Record<Ops, string> = {
  eq: "Equal to this value.",
  ne: "Not equal to this value (a null value matches neither eq nor ne: use isNull).",
  in: "Equal to one of these values (at most 500); an empty list matches nothing.",
  notIn: "Equal to none of these values (at most 500); a null value does not match.",
  isNull: "true: only where the value is null (absent); false: only where it is not.",
  gt: "Greater than this value.",
  gte: "Greater than or equal to this value.",
  lt: "Less than this value.",
  lte: "Less than or equal to this value.",
  startsWith: "Begins with this text, ignoring case (% and _ match themselves).",
  contains: "Holds this text anywhere, ignoring case (% and _ match themselves).",
};

const EQUALITY: readonly Ops[] = ["eq", "ne", "in", "notIn", "isNull"];
const RANGE: readonly Ops[] = [...EQUALITY, "gt", "gte", "lt", "lte"];

/** A named class for type-graphql to decorate. */
function namedClass(name: string): ClassType {
  return { [name]: class {} }[name]! as ClassType;
}

/** The operators each operator input holds, by its name. */
const OPERATORS_OF = new Map<string, readonly Ops[]>();

/** An operator input: `ops` over values of `type` (a type-graphql type function's result). */
function operatorInput(name: string, description: string, type: () => unknown, ops: readonly Ops[]): ClassType {
  const input = namedClass(name);
  OPERATORS_OF.set(name, ops);
  InputType(name, { description })(input);
  for (const op of ops) {
    const typeOf = op === "isNull" ? () => Boolean : op === "in" || op === "notIn" ? () => [type()] : type;
    Field(typeOf as never, { nullable: true, description: OP_DESCRIPTIONS[op] })(input.prototype, op);
  }
  return input;
}

const SCALAR_INPUTS: Record<Exclude<Operand, object>, () => ClassType> = {
  String: once(() => operatorInput("StringFilter", "Conditions on a text value; all given must hold. eq, ne and in compare exactly (case matters).", () => String, [...EQUALITY, "startsWith", "contains"])),
  Int: once(() => operatorInput("IntFilter", "Conditions on a whole number; all given must hold.", () => Int, RANGE)),
  Float: once(() => operatorInput("FloatFilter", "Conditions on a number; all given must hold.", () => Float, RANGE)),
  Money: once(() => operatorInput("MoneyFilter", "Conditions on an amount of money, given in rupees with at most 2 decimals (as Money.rupees shows it); all given must hold.", () => Float, RANGE)),
  Boolean: once(() => operatorInput("BooleanFilter", "Conditions on a true/false value; all given must hold.", () => Boolean, ["eq", "isNull"])),
  Date: once(() => operatorInput("DateFilter", "Conditions on a calendar day (YYYY-MM-DD, IST days where the field says so); all given must hold.", () => DateScalar, RANGE)),
  DateTime: once(() =>
    operatorInput("DateTimeFilter", "Conditions on an instant (ISO 8601 with offset); all given must hold.", () => DateTimeScalar, ["eq", "ne", "isNull", "gt", "gte", "lt", "lte"]),
  ),
};

function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/** The generated inputs of the query model, made once each, with the access declaration of every input they hold. */
export class QueryInputs {
  private readonly wheres = new Map<string, ClassType>();
  private readonly orders = new Map<string, ClassType>();
  private readonly enumInputs = new Map<string, ClassType>();
  /** The operator inputs some filter field takes, by name. */
  private readonly usedOperators = new Set<string>();
  private readonly declared: Record<string, InputDeclaration> = {};

  constructor(
    readonly model: QueryModel,
    /** A type's description in its filters: "shipments". */
    private readonly plural: Readonly<Record<string, string>>,
  ) {}

  /** `<Type>Where`: and / or / not, an operator input per filterable leaf, a `<Type>Where` per filterable relation. */
  where(type: string): ClassType {
    const known = this.wheres.get(type);
    if (known !== undefined) return known;
    const name = `${type}Where`;
    const input = namedClass(name);
    this.wheres.set(type, input);
    InputType(name, {
      description: `Conditions on ${this.pluralOf(type)}: every field given must hold (an empty object holds for all). Fields are those of ${type}, compared with the operators of their type.`,
    })(input);
    Field(() => [input], { nullable: true, description: "Every one of these holds." })(input.prototype, "and");
    Field(() => [input], { nullable: true, description: "At least one of these holds (an empty list: none does)." })(input.prototype, "or");
    Field(() => input, { nullable: true, description: "This does not hold (a row whose compared value is null matches neither a condition nor its not)." })(input.prototype, "not");
    this.declared[`${name}.and`] = BY_FIELD;
    this.declared[`${name}.or`] = BY_FIELD;
    this.declared[`${name}.not`] = BY_FIELD;
    for (const comparable of this.model.comparables(type)) {
      if (!comparable.filter) continue;
      const operators = this.operatorInput(comparable);
      Field(() => operators, { nullable: true, description: `Conditions on ${type}.${comparable.name}.` })(input.prototype, comparable.name);
      const army = comparable.armyPostal;
      // An operator object selects Army Postal rows unless it only picks values (eq, in) that are all civilian.
      this.declared[`${name}.${comparable.name}`] =
        army === undefined
          ? `${type}.${comparable.name}`
          : {
              mirrors: `${type}.${comparable.name}`,
              armyPostal: (operators) =>
                Object.entries(operators as Record<string, unknown>).some(
                  ([op, value]) => value !== null && value !== undefined && (op === "eq" ? army(value) : op === "in" ? (value as unknown[]).some(army) : true),
                ),
            };
    }
    for (const [conditionName, condition] of this.model.conditions(type)) {
      Field(condition.type as never, { nullable: true, description: condition.description })(input.prototype, conditionName);
      this.declared[`${name}.${conditionName}`] = condition.mirrors;
    }
    for (const relation of this.model.relations(type)) {
      if (relation.uses.filter !== true) continue;
      const inner = this.where(relation.type);
      Field(() => inner, {
        nullable: true,
        description: `Conditions on the ${relation.type} of ${type}.${relation.name}: rows without one do not match.`,
      })(input.prototype, relation.name);
      this.declared[`${name}.${relation.name}`] = `${type}.${relation.name}`;
    }
    return input;
  }

  /** `<Type>OrderBy`: { field: <Type>OrderField!, direction: OrderDirection = ASC }. */
  orderBy(type: string): ClassType {
    const known = this.orders.get(type);
    if (known !== undefined) return known;
    const keys = this.model.orderKeys(type);
    const fieldEnum: Record<string, string> = Object.fromEntries(keys.map((k) => [k.value, k.value]));
    registerEnumType(fieldEnum, {
      name: `${type}OrderField`,
      description: `What ${this.pluralOf(type)} can be ordered by: a field of ${type} or of a one-to-one relation of it.`,
      valuesConfig: Object.fromEntries(
        keys.map((k) => [
          k.value,
          { description: k.relation === null ? `${type}.${k.comparable.name}.` : `${k.relation.type}.${k.comparable.name} of ${type}.${k.relation.name} (null without one).` },
        ]),
      ),
    });
    const name = `${type}OrderBy`;
    const input = namedClass(name);
    this.orders.set(type, input);
    InputType(name, {
      description: `One key of an order of ${this.pluralOf(type)}; later keys break ties of earlier ones, and the row's own key breaks the last ties. A null sorts as if greater than every value: last ascending, first descending.`,
    })(input);
    Field(() => fieldEnum, { description: "The key." })(input.prototype, "field");
    Field(() => OrderDirection, { nullable: true, defaultValue: OrderDirection.ASC, description: "Its direction; default ASC." })(input.prototype, "direction");
    this.declared[`${name}.field`] = BY_VALUE;
    this.declared[`${name}.direction`] = UNSELECTIVE;
    for (const key of keys) {
      this.declared[`${type}OrderField.${key.value}`] =
        key.relation === null ? key.mirrors[0]! : { mirrors: key.mirrors[1]!, through: key.mirrors[0]! };
    }
    return input;
  }

  /** Access declarations of every input made so far (the operators take their field's). */
  declarations(): Record<string, InputDeclaration> {
    const operators: Record<string, InputDeclaration> = {};
    for (const name of this.usedOperators) for (const op of OPERATORS_OF.get(name)!) operators[`${name}.${op}`] = OPERATOR;
    return { ...this.declared, ...operators };
  }

  private operatorInput(comparable: Comparable): ClassType {
    const { operand } = comparable;
    let input: ClassType;
    if (!isEnumOperand(operand)) input = SCALAR_INPUTS[operand]();
    else {
      input = this.enumInputs.get(operand.name) ?? operatorInput(`${operand.name}Filter`, `Conditions on a ${operand.name} value; all given must hold.`, () => operand.enum, EQUALITY);
      this.enumInputs.set(operand.name, input);
    }
    this.usedOperators.add(input.name);
    return input;
  }

  private pluralOf(type: string): string {
    return this.plural[type] ?? `${type} rows`;
  }
}
