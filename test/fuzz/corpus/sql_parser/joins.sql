SELECT a.*, b.x, c.y FROM a
LEFT OUTER JOIN b ON a.k = b.k
JOIN (SELECT k, max(y) AS y FROM c GROUP BY k) c USING (k)
LEFT SEMI JOIN d ON d.k = a.k, e CROSS JOIN f
FULL JOIN read_parquet('x/*.parquet') p ON p.id = a.id;
