using CredentialPortal.Features.Shared;

namespace CredentialPortal.Tests.Features.Shared;

public sealed class PortalFormatTests
{
    [Theory]
    [InlineData(0, "0 ms")]
    [InlineData(245, "245 ms")]
    [InlineData(999, "999 ms")]
    [InlineData(1_000, "1.0 s")]
    [InlineData(16_040, "16.0 s")]
    [InlineData(59_940, "59.9 s")]
    [InlineData(59_960, "1 min 00 s")]
    [InlineData(125_400, "2 min 05 s")]
    public void Durations_read_in_ms_below_a_second_then_seconds_then_minutes(int milliseconds, string expected) =>
        Assert.Equal(expected, PortalFormat.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void A_time_is_shown_to_the_second_in_the_viewers_zone_daylight_saving_time_included()
    {
        var berlin = ViewerTimeZone.FromBrowser("Europe/Berlin", 60);
        var summer = new DateTime(2026, 7, 1, 12, 0, 5, DateTimeKind.Utc);
        var winter = new DateTime(2026, 12, 1, 12, 0, 5, DateTimeKind.Utc);

        Assert.Equal("Jul 1, 2026, 14:00:05", PortalFormat.LocalDateTime(summer, berlin));
        Assert.Equal("Dec 1, 2026, 13:00:05", PortalFormat.LocalDateTime(winter, berlin));
        Assert.Equal("Dec 1, 2026, 12:00:05 UTC", PortalFormat.UtcDateTime(winter));
    }

    [Fact]
    public void Without_a_zone_a_time_reads_utc_and_an_unknown_zone_falls_back_to_the_browsers_offset()
    {
        var time = new DateTime(2026, 12, 1, 12, 0, 5, DateTimeKind.Unspecified); // as SQLite gives it back

        Assert.Equal("Dec 1, 2026, 12:00:05 UTC", PortalFormat.LocalDateTime(time, null));
        Assert.Equal("Dec 1, 2026, 06:30:05", PortalFormat.LocalDateTime(time, ViewerTimeZone.FromBrowser("Nowhere/Atlantis", -330)));
        Assert.Null(ViewerTimeZone.FromBrowser(null, 24 * 60));
    }
}
