using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;

namespace CredentialPortal.E2E.Tests;

/// <summary>The Webhook Credentials list keeps its sort, page and search in the URL: reload, back/forward and Save keep them.</summary>
public sealed class CredentialListStateTests(BrowserFixture browser) : PortalTest(browser)
{
    private static readonly string[] SecondPage = ["cred 25", "cred 26", "cred 27", "cred 28", "cred 29"];

    [Fact]
    public async Task Sort_and_page_survive_reload_back_forward_and_a_save_on_the_form()
    {
        for (var i = 0; i < 30; i++)
        {
            await CreateCredentialAsync($"cred {i:00}");
        }
        var list = await LogInAndOpenCredentialsAsync();

        await list.SortByAsync("Name");
        await Expect(Page).ToHaveURLAsync(new Regex(@"/integrations/webhook-credentials\?sort=name&dir=asc$"));
        await list.NextPageButton.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex(@"\?page=2&sort=name&dir=asc$"));
        await list.ExpectNamesAsync(SecondPage);

        await list.ReloadAsync();
        await list.ExpectNamesAsync(SecondPage);

        await Page.GoBackAsync();
        await Expect(list.Rows.First).ToContainTextAsync("cred 00");
        await Page.GoForwardAsync();
        await list.ExpectNamesAsync(SecondPage);

        // A click on the row opens the credential; Save comes back to the same page of the same sort.
        var form = await list.OpenRowAsync("cred 27");
        await form.Name.FillAsync("cred 27b");
        await form.SaveAsync();
        await Expect(Page).ToHaveURLAsync(new Regex(@"/integrations/webhook-credentials\?page=2&sort=name&dir=asc$"));
        await list.ExpectNamesAsync("cred 25", "cred 26", "cred 27b", "cred 28", "cred 29");
    }

    [Fact]
    public async Task The_first_rows_are_in_the_page_before_the_circuit_starts_and_the_name_is_a_link()
    {
        await CreateCredentialAsync("Alpha");
        await CreateCredentialAsync("Bravo");
        var list = await LogInAndOpenCredentialsAsync();

        // Without Blazor's script there is no circuit: what shows is the prerendered HTML alone.
        await Page.RouteAsync("**/_framework/blazor.web*.js", route => route.AbortAsync());
        await Page.GotoAsync("integrations/webhook-credentials?sort=name&dir=asc");

        await list.ExpectNamesAsync("Alpha", "Bravo");
        await Expect(list.NameLink("Alpha")).ToHaveAttributeAsync("title", "Alpha");
    }

    [Fact]
    public async Task Clicks_after_opening_a_list_url_build_on_its_sort_and_search()
    {
        for (var i = 0; i < 30; i++)
        {
            await CreateCredentialAsync($"cred {i:00}");
        }
        await CreateCredentialAsync("other");
        var list = await LogInAndOpenCredentialsAsync();

        // A bookmark or a reload: the rows come from the prerender, and the live page must take its query from the URL.
        await Page.GotoAsync("integrations/webhook-credentials?sort=name&dir=asc&q=cred");
        await list.ExpectOpenAsync();
        await list.NextPageButton.ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex(@"\?page=2&sort=name&dir=asc&q=cred$"));
        await list.ExpectNamesAsync(SecondPage);
    }
}
