using Bunit;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

/// <summary>The alert lists keep their sort and page in the URL, like the credentials list.</summary>
public sealed class AlertListStateTests : PortalComponentTest
{
    /// <summary>A ceiling, not a timing: two loaded cores can take more than bUnit's default second to render.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private static string[] Names(IRenderedComponent<AlertList> list) =>
        list.FindAll("tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim()).ToArray();

    private async Task SeedAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Database.Alerts.CreateAsync(AlertInputs.PlatformEvent($"alert {i:00}"));
            Database.Clock.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task Sort_and_page_are_read_from_the_url_and_written_back_to_it()
    {
        await SeedAsync(12);
        Navigation.NavigateTo("flexible-actions/platform-events?page=2&size=10&sort=name&dir=asc");

        var list = Render<AlertList>(p => p.Add(l => l.Kind, AlertKind.PlatformEvent));

        list.WaitForAssertion(() => Assert.Equal(["alert 10", "alert 11"], Names(list)), Wait);
        Assert.Contains("11-12 of 12", list.Find(".mud-table-pagination").TextContent);

        await list.FindAll("thead th button").Single(b => b.TextContent.Trim() == "Name").ClickAsync(new());
        list.WaitForAssertion(() => Assert.Equal("alert 11", Names(list)[0]), Wait);
        Assert.EndsWith("/flexible-actions/platform-events?size=10&sort=name&dir=desc", Navigation.Uri);
    }

    [Fact]
    public async Task Sorting_updates_the_rows_in_place_rather_than_rebuilding_them()
    {
        await SeedAsync(3);
        Navigation.NavigateTo("flexible-actions/platform-events");
        var list = Render<AlertList>(p => p.Add(l => l.Kind, AlertKind.PlatformEvent));
        list.WaitForAssertion(() => Assert.Equal(["alert 02", "alert 01", "alert 00"], Names(list)), Wait);
        var rows = list.FindComponents<MudTr>().Select(r => r.Instance).ToArray();

        await list.FindAll("thead th button").Single(b => b.TextContent.Trim() == "Name").ClickAsync(new());
        list.WaitForAssertion(() => Assert.Equal(["alert 00", "alert 01", "alert 02"], Names(list)), Wait);
        Assert.Equal(rows, list.FindComponents<MudTr>().Select(r => r.Instance), ReferenceEqualityComparer.Instance);
    }

    [Fact]
    public async Task A_click_on_a_row_opens_the_alert_and_a_long_name_keeps_its_whole_text_in_its_title()
    {
        var name = "An alert with a rather long name " + new string('y', 60);
        var id = (await Database.Alerts.CreateAsync(AlertInputs.PlatformEvent(name))).Id;
        Navigation.NavigateTo("flexible-actions/platform-events");
        var list = Render<AlertList>(p => p.Add(l => l.Kind, AlertKind.PlatformEvent));
        list.WaitForAssertion(() => Assert.Equal([name], Names(list)), Wait);

        var link = list.Find("tbody tr td a");
        Assert.Contains("list-name", link.ClassList);
        Assert.Equal(name, link.GetAttribute("title"));
        await list.FindAll("tbody tr td")[1].ClickAsync(new());
        Assert.EndsWith($"/flexible-actions/platform-events/{id}", Navigation.Uri);
    }

    [Fact]
    public void The_empty_list_has_no_pager_and_the_narrow_screen_sort_is_labelled()
    {
        var list = Render<AlertList>(p => p.Add(l => l.Kind, AlertKind.RuntimeAlert));

        list.WaitForAssertion(() => Assert.Contains("No runtime alerts yet", list.Find("tbody").TextContent), Wait);
        Assert.Empty(list.FindAll(".mud-table-pagination"));
        Assert.Equal("Sort by", list.Find(".mud-table-smalldevices-sortselect label").TextContent.Trim());
    }
}
