// A handler that returns a promise: the executor awaits it.
module.exports = async function (params, _context) {
  await new Promise((resolve) => setTimeout(resolve, Number(params.delayMs ?? 10)));
  const name = params.name ?? "World";
  console.log(`Saying hello to ${name}, asynchronously`);
  return `Hello, ${name}!`;
};
