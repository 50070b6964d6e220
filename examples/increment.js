// Adds 1 to params.n (a number): the Node.js step of the workflow examples and tests.
module.exports = function (params, _context) {
  const n = Number(params.n ?? 0);
  return { n: n + 1 };
};
