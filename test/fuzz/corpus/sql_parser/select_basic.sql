SELECT txn_id, upper(region) AS region, quantity * unit_price AS amount
FROM sales WHERE region = :region AND status <> 'void';
