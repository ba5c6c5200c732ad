using AngleSharp.Dom;
using Bunit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Features.Credentials.Pages;

/// <summary>The credentials list keeps its sort, page and search in the URL; rows open their credential.</summary>
public sealed class CredentialsPageStateTests : PortalComponentTest
{
    /// <summary>A ceiling, not a timing: two loaded cores can take more than bUnit's default second to render.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private static string[] Names(IRenderedComponent<CredentialsPage> page) =>
        page.FindAll("tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim()).ToArray();

    private static IElement SortButton(IRenderedComponent<CredentialsPage> page, string header) =>
        page.FindAll("thead th button").Single(b => b.TextContent.Trim() == header);

    private async Task SeedNamesAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await SeedAsync(CredentialInputs.ClientId($"cred {i:00}"));
        }
    }

    [Fact]
    public async Task Sort_page_and_search_are_read_from_the_url()
    {
        await SeedNamesAsync(14);
        await SeedAsync(CredentialInputs.ClientId("other"));
        Navigation.NavigateTo("integrations/webhook-credentials?page=2&size=10&sort=name&dir=desc&q=cred");

        var page = Render<CredentialsPage>();

        page.WaitForAssertion(() => Assert.Equal(["cred 03", "cred 02", "cred 01", "cred 00"], Names(page)), Wait);
        Assert.Equal("cred", page.Find("input[type=text]").GetAttribute("value"));
        Assert.Equal("descending", page.FindAll("thead th")[0].GetAttribute("aria-sort"));
        Assert.Contains("11-14 of 14", page.Find(".mud-table-pagination").TextContent);
    }

    [Fact]
    public async Task Sorting_and_paging_write_the_url_and_the_rows_follow_it()
    {
        await SeedNamesAsync(30);
        Navigation.NavigateTo("integrations/webhook-credentials");
        var page = Render<CredentialsPage>();
        page.WaitForAssertion(() => Assert.Equal("cred 29", Names(page)[0]), Wait);

        await SortButton(page, "Name").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("cred 00", Names(page)[0]), Wait);
        Assert.EndsWith("/integrations/webhook-credentials?sort=name&dir=asc", Navigation.Uri);

        await page.Find("button.mud-table-pagination-next-button").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("cred 25", Names(page)[0]), Wait);
        Assert.EndsWith("/integrations/webhook-credentials?page=2&sort=name&dir=asc", Navigation.Uri);

        // Back (the URL changes under the page): the rows follow.
        Navigation.NavigateTo("integrations/webhook-credentials?sort=name&dir=asc");
        page.WaitForAssertion(() => Assert.Equal("cred 00", Names(page)[0]), Wait);
    }

    [Fact]
    public async Task Sorting_and_paging_update_the_rows_in_place_rather_than_rebuilding_them()
    {
        await SeedNamesAsync(30);
        Navigation.NavigateTo("integrations/webhook-credentials");
        var page = Render<CredentialsPage>();
        page.WaitForAssertion(() => Assert.Equal("cred 29", Names(page)[0]), Wait);
        var rows = page.FindComponents<MudTr>().Select(r => r.Instance).ToArray();

        // Rebuilding every row's components on each click is what made a click slow; the same rows take the new text.
        await SortButton(page, "Name").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("cred 00", Names(page)[0]), Wait);
        Assert.Equal(rows, page.FindComponents<MudTr>().Select(r => r.Instance), ReferenceEqualityComparer.Instance);

        await page.Find("button.mud-table-pagination-next-button").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("cred 25", Names(page)[0]), Wait);
        Assert.Equal(rows[..5], page.FindComponents<MudTr>().Select(r => r.Instance), ReferenceEqualityComparer.Instance);
        Assert.Equal(["cred 25", "cred 26", "cred 27", "cred 28", "cred 29"], Names(page));
    }

    [Fact]
    public async Task A_click_on_a_row_opens_its_credential_and_the_form_links_carry_the_list_state_back()
    {
        var id = await SeedAsync(CredentialInputs.ClientId("open me"));
        Navigation.NavigateTo("integrations/webhook-credentials?sort=name&dir=desc");
        var page = Render<CredentialsPage>();
        page.WaitForAssertion(() => Assert.Equal(["open me"], Names(page)), Wait);

        // The name is a link (keyboard, screen readers) that returns to this very list state.
        var link = page.Find("tbody tr td a");
        Assert.Equal($"integrations/webhook-credentials/{id}?returnUrl={Uri.EscapeDataString("integrations/webhook-credentials?sort=name&dir=desc")}",
            link.GetAttribute("href"));

        await page.FindAll("tbody tr td")[1].ClickAsync(new());

        Assert.EndsWith($"/integrations/webhook-credentials/{id}?returnUrl={Uri.EscapeDataString("integrations/webhook-credentials?sort=name&dir=desc")}",
            Navigation.Uri);
    }

    [Fact]
    public async Task A_long_name_is_cut_with_an_ellipsis_and_given_whole_in_its_title_and_text()
    {
        var name = "A very long credential name " + new string('x', 72);
        await SeedAsync(CredentialInputs.ClientId(name));
        var page = Render<CredentialsPage>();

        page.WaitForAssertion(() => Assert.Equal([name], Names(page)), Wait);
        var link = page.Find("tbody tr td a");
        Assert.Contains("list-name", link.ClassList);
        Assert.Equal(name, link.GetAttribute("title"));
        Assert.Equal(name, link.TextContent);
    }

    [Fact]
    public void The_empty_list_has_no_pager()
    {
        var page = Render<CredentialsPage>();

        page.WaitForAssertion(() => Assert.Contains("NEW CREDENTIAL", page.Find("tbody").TextContent), Wait);
        Assert.Empty(page.FindAll(".mud-table-pagination"));
        Assert.DoesNotContain("0-0 of 0", page.Markup);
    }

    [Fact]
    public async Task The_narrow_screen_sort_control_is_labelled()
    {
        await SeedAsync(CredentialInputs.ClientId("one"));
        var page = Render<CredentialsPage>();
        page.WaitForAssertion(() => Assert.Equal(["one"], Names(page)), Wait);

        var select = page.Find(".mud-table-smalldevices-sortselect");
        Assert.Equal("Sort by", select.QuerySelector("label")?.TextContent.Trim());
    }
}
