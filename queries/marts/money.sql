-- cents(amount): an extract amount as exact money, DECIMAL(18,2), created on the build cursor before each mart
-- (temporary, connection-local) so that every mart rounds money by one rule (docs/metrics.md, "Money"):
-- the amount as written to 4 decimal places, rounded half away from zero to the cent (1.005 -> 1.01,
-- -2.675 -> -2.68). The 4-decimal step reads a double such as 1.00499999999999989 (how 1.005 is stored) as the
-- 1.005 it was written as; it is exact for amounts below 900 billion and both steps are 64-bit integer
-- decimals, so the cast costs next to nothing. Sums of DECIMAL(18,2) are DECIMAL(38,2), added exactly.
create or replace temp macro cents(amount) as cast(cast(amount as decimal(18, 4)) as decimal(18, 2))
