/**
 * Serverledge's QoS classes: the number a request carries in `QoSClass`, and the names the API
 * and the CLI accept for them.
 *
 * @module
 */

/** The class numbers (as Serverledge's `LOW`, `HIGH_PERFORMANCE`, `HIGH_AVAILABILITY`). */
export const QOS_CLASSES = { low: 0, high_performance: 1, high_availability: 2 } as const;

/** Every accepted class name, aliases included, with its number. */
export const QOS_CLASS_NAMES: Readonly<Record<string, number>> = {
  low: QOS_CLASSES.low,
  performance: QOS_CLASSES.high_performance,
  high_performance: QOS_CLASSES.high_performance,
  availability: QOS_CLASSES.high_availability,
  high_availability: QOS_CLASSES.high_availability,
  batch: QOS_CLASSES.high_availability,
};

/** The class number of `name` (case-insensitive), or `undefined` when it is no class name. */
export function qosClassOf(name: string): number | undefined {
  return Object.hasOwn(QOS_CLASS_NAMES, name.toLowerCase())
    ? QOS_CLASS_NAMES[name.toLowerCase()]
    : undefined;
}
