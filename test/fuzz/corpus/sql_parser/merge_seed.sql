MERGE INTO target t USING staged s ON t.txn_id = s.txn_id
WHEN MATCHED AND t.amount <> s.amount THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *
