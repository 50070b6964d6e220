// Serverledge's classic: count the primes up to params.n (default 1000).
function isPrime(n) {
  for (let i = 2, s = Math.sqrt(n); i <= s; i++) {
    if (n % i === 0) return false;
  }
  return n > 1;
}

module.exports = function (params, _context) {
  const n = Number(params.n ?? 1000);
  let count = 0;
  for (let i = 2; i <= n; i++) {
    if (isPrime(i)) count++;
  }
  console.log(`Found ${count} primes up to ${n}`);
  return { IsPrime: isPrime(n), N: n, Primes: count };
};
