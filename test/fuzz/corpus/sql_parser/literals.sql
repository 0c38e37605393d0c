SELECT NULL, TRUE, false, 1, 2L, 3S, 4Y, 1.5, .5, 1e3, 1.5D, 2.5F, 10BD, 'it''s', "dq", 'it\'s\n\t\\',
  '\u00e9 ✓ 日本', X'CAFE', DATE '2024-01-31', TIMESTAMP '2024-01-31 10:00:00', TIMESTAMP_NTZ '2024-01-31',
  INTERVAL '1 day', INTERVAL 3 DAYS, INTERVAL -2 HOURS 30 MINUTES, INTERVAL '1-2' YEAR TO MONTH,
  current_date, extract(YEAR FROM ts), substring(s FROM 2 FOR 3), trim(BOTH 'x' FROM s)
