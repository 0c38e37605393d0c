SELECT CASE WHEN a IS NULL THEN 0 WHEN a BETWEEN 1 AND 10 THEN 1 ELSE 2 END,
  CASE status WHEN 'a' THEN 1 END, CAST(x AS DECIMAL(12, 2)), TRY_CAST(s AS INT), y::bigint,
  a <=> b, a IS NOT DISTINCT FROM b, c NOT IN (1, 2, 3), d LIKE 'x!%' ESCAPE '!', e ILIKE 'X%',
  f RLIKE '^a+$', -g, ~h, NOT i, j DIV 2, k % 3, 'a' || 'b', m[0], n['key'], o.p.q, a & b | c ^ d,
  EXISTS (SELECT 1), (SELECT max(v) FROM u), x IN (SELECT k FROM v), (1, 2) AS r
