using CredentialPortal.Features.Shared;

namespace CredentialPortal.Tests.Features.Shared;

/// <summary>When a day starts in the viewer's zone: the date filters of the deliveries and the audit log read it.</summary>
public sealed class ViewerTimeZoneTests
{
    [Theory]
    [InlineData("Europe/Paris", "2026-07-14", "2026-07-13T22:00:00")] // an ordinary day
    [InlineData("America/Santiago", "2026-09-06", "2026-09-06T04:00:00")] // 00:00 -> 01:00: the day starts at 01:00 -03
    [InlineData("Africa/Cairo", "2026-04-24", "2026-04-23T22:00:00")] // 00:00 -> 01:00: starts at 01:00 +03
    [InlineData("Atlantic/Azores", "2026-03-29", "2026-03-29T01:00:00")] // 00:00 -> 01:00: starts at 01:00 +00
    [InlineData("America/Havana", "2026-11-01", "2026-11-01T04:00:00")] // 01:00 -> 00:00: the first of two midnights, -04
    public void A_day_starts_at_its_first_time_that_exists(string zone, string day, string expectedUtc)
    {
        var start = ViewerTimeZone.StartOfDayUtc(DateTime.Parse(day, System.Globalization.CultureInfo.InvariantCulture), TimeZoneInfo.FindSystemTimeZoneById(zone));

        Assert.Equal(DateTime.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), start);
        Assert.Equal(DateTimeKind.Utc, start.Kind);
    }

    [Fact]
    public void Without_a_zone_a_day_starts_at_midnight_UTC() =>
        Assert.Equal(new DateTime(2026, 9, 6, 0, 0, 0, DateTimeKind.Utc), ViewerTimeZone.StartOfDayUtc(new DateTime(2026, 9, 6), null));
}
