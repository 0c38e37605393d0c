SELECT a, b, FROM t WHERE (c = 'unterminated
