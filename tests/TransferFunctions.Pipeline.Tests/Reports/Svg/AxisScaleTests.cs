using TransferFunctions.Pipeline.Reports.Svg;

namespace TransferFunctions.Pipeline.Tests.Reports.Svg;

public sealed class AxisScaleTests
{
    [Theory]
    [InlineData(0.148, 0.2)]
    [InlineData(3, 5)]
    [InlineData(0.7, 1)]
    [InlineData(2.2, 2.5)]
    [InlineData(12, 20)]
    [InlineData(1, 1)]
    public void Step_is_the_next_one_two_two_and_a_half_or_five_times_a_power_of_ten(double rough, double expected)
    {
        Assert.Equal(expected, AxisScale.NiceStep(rough), 12);
    }

    [Fact]
    public void Linear_axis_widens_to_whole_steps_and_labels_them_cleanly()
    {
        // range 0.74 over 5 intervals is 0.148 → step 0.2; 0.13 widens down to 0 and 0.87 up to 1.0.
        AxisScale scale = AxisScale.Linear(0.13, 0.87, 0, 100);

        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1.0"], scale.Ticks.Select(t => t.Label));
        Assert.Equal(0.0, scale.Map(0), 9);
        Assert.Equal(100.0, scale.Map(1), 9);
        Assert.Equal(50.0, scale.Map(0.5), 9);
    }

    [Fact]
    public void Linear_axis_of_one_value_is_widened_around_it()
    {
        AxisScale scale = AxisScale.Linear(5, 5, 0, 100);

        Assert.True(scale.DomainMin < 5 && scale.DomainMax > 5);
        Assert.True(double.IsFinite(scale.Map(5)));
    }

    [Fact]
    public void Log_axis_maps_decades_evenly()
    {
        AxisScale scale = AxisScale.Log10(1, 100, 0, 200);

        Assert.Equal(0.0, scale.Map(1), 9);
        Assert.Equal(100.0, scale.Map(10), 9);
        Assert.Equal(200.0, scale.Map(100), 9);
        Assert.Equal(["1", "10", "100"], scale.Ticks.Select(t => t.Label));
    }

    [Theory]
    [InlineData(2.5, 2.5, "2.5")]
    [InlineData(0.01, 0.01, "0.01")]
    [InlineData(1e7, 1e7, "1E+7")]
    [InlineData(-0.5, 0.25, "-0.50")]
    [InlineData(40, 20, "40")]
    public void Tick_labels_carry_the_decimals_the_step_needs(double value, double step, string expected)
    {
        Assert.Equal(expected, AxisScale.FormatTick(value, step));
    }
}
