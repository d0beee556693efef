namespace Distribution.Aspire.Contracts.Tests;

public sealed class MoneyAmountTests
{
    [Theory]
    [InlineData("10.00", "10.00")]
    [InlineData("0.1", "0.1")]
    [InlineData("-3.5", "-3.5")]
    [InlineData("19.9999", "19.9999")]
    [InlineData("1000000", "1000000")]
    public void Parses_decimal_strings_exactly(string text, string expected)
    {
        Assert.True(MoneyAmount.TryParse(text, out var amount));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), amount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" 10.00")]
    [InlineData("10.00 ")]
    [InlineData("1e3")]
    [InlineData("1,000.00")]
    [InlineData("10.")]
    [InlineData("10.12345")]
    [InlineData("NaN")]
    [InlineData("$10")]
    [InlineData("123456789012345678901234567890123")]
    public void Refuses_anything_that_is_not_a_plain_decimal(string? text) =>
        Assert.False(MoneyAmount.TryParse(text, out _));

    [Fact]
    public void Sums_that_floats_get_wrong_stay_exact()
    {
        Assert.True(MoneyAmount.TryParse("0.1", out var a));
        Assert.True(MoneyAmount.TryParse("0.2", out var b));

        Assert.Equal("0.30", MoneyAmount.Format(a + b));
    }

    [Theory]
    [InlineData("10", "10.00")]
    [InlineData("10.5", "10.50")]
    [InlineData("10.125", "10.125")]
    [InlineData("-0.01", "-0.01")]
    public void Formats_with_at_least_two_fraction_digits(string value, string expected) =>
        Assert.Equal(expected, MoneyAmount.Format(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Round_trips_through_the_wire_type()
    {
        var money = MoneyAmount.ToMoney(12.3m, "USD");

        Assert.Equal("USD", money.Currency);
        Assert.Equal("12.30", money.Amount);
        Assert.True(money.TryGetAmount(out var back));
        Assert.Equal(12.3m, back);
    }
}
