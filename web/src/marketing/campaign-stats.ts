/** How much of the budget the actual cost used; null without a positive budget or a cost. */
export function budgetUse(
  cost: number | null,
  budget: number | null,
): { ratio: number; over: boolean } | null {
  if (budget === null || budget <= 0 || cost === null) return null;
  const ratio = Math.round((cost / budget) * 10_000) / 10_000;
  return { ratio, over: cost > budget };
}
