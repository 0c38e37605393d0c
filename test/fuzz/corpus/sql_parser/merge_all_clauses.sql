WITH src AS (SELECT * FROM delta.`/data/src` VERSION AS OF 3)
MERGE INTO db.target AS t USING (SELECT * FROM src WHERE region = :region) s ON t.id = s.id
WHEN MATCHED AND s.op = 'D' THEN DELETE
WHEN MATCHED THEN UPDATE SET t.v = s.v, t.n = t.n + 1
WHEN NOT MATCHED BY TARGET AND s.op <> 'D' THEN INSERT (id, v) VALUES (s.id, s.v)
WHEN NOT MATCHED BY SOURCE AND t.region = :region THEN UPDATE SET stale = true
WHEN NOT MATCHED BY SOURCE THEN DELETE;
