using Bunit;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

public class AlertListTests : PortalComponentTest
{
    private static string[] Names(IRenderedComponent<AlertList> list) =>
        list.FindAll("tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim()).ToArray();

    [Fact]
    public async Task Sortable_headers_are_buttons_and_their_th_tells_the_sort()
    {
        await Database.Alerts.CreateAsync(AlertInputs.PlatformEvent("bravo"));
        Database.Clock.Advance(TimeSpan.FromMinutes(5));
        await Database.Alerts.CreateAsync(AlertInputs.PlatformEvent("alpha"));
        var list = Render<AlertList>(p => p.Add(l => l.Kind, AlertKind.PlatformEvent));
        list.WaitForAssertion(() => Assert.Equal(["alpha", "bravo"], Names(list)));
        string[] AriaSorts() => list.FindAll("thead th").Select(th => th.GetAttribute("aria-sort") ?? "-").ToArray();
        Assert.Equal(["none", "-", "-", "descending"], AriaSorts());

        await list.FindAll("thead th button[type=button]").Single(b => b.TextContent.Trim() == "Name").ClickAsync(new());

        list.WaitForAssertion(() => Assert.Equal(["ascending", "-", "-", "none"], AriaSorts()));
        Assert.Equal(["alpha", "bravo"], Names(list));
        await list.FindAll("thead th button[type=button]").Single(b => b.TextContent.Trim() == "Name").ClickAsync(new());
        list.WaitForAssertion(() => Assert.Equal(["bravo", "alpha"], Names(list)));
        Assert.Equal(["descending", "-", "-", "none"], AriaSorts());
    }
}
