-- cents(amount): an extract amount as exact money, DECIMAL(18,2), created on the build cursor before each mart
-- (temporary, connection-local) so that every mart rounds money by one rule (docs/metrics.md, "Money"):
-- the amount as written, read to 6 decimal places, rounded half away from zero to the cent (1.005 -> 1.01,
-- -2.675 -> -2.68, 0.004999 -> 0.00). The 6-decimal step reads a double such as 1.00499999999999989 (how 1.005
-- is stored) as the 1.005 it was written as; it is a 64-bit decimal, so it holds amounts below 10^12 and costs
-- next to nothing. Larger amounts (no customer balance is that large) are rounded from the double directly.
-- Sums of DECIMAL(18,2) are DECIMAL(38,2), added exactly whatever the order.
create or replace temp macro cents(amount) as
    case
        when abs(amount) < 1e12 then cast(cast(amount as decimal(18, 6)) as decimal(18, 2))
        else cast(amount as decimal(18, 2))
    end
