using CredentialPortal.E2E.Infrastructure;

namespace CredentialPortal.E2E.Tests;

/// <summary>The list works from the keyboard: dialogs start on Cancel and close on Escape, headers sort, focus shows.</summary>
public sealed class KeyboardTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task The_delete_dialog_starts_on_Cancel_and_Escape_closes_it_keeping_the_row_silently()
    {
        await CreateCredentialAsync("Goner");
        await CreateCredentialAsync("Keeper");
        var list = await LogInAndOpenCredentialsAsync();
        await list.ExpectNamesAsync("Keeper", "Goner");

        var dialog = await list.DeleteAsync("Keeper");
        await Expect(dialog.CancelButton).ToBeFocusedAsync();
        await Expect(dialog.DeleteButton).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-button-filled-error"));

        await Page.Keyboard.PressAsync("Escape");

        await Expect(dialog.Dialog).ToBeHiddenAsync();
        await list.ExpectNamesAsync("Keeper", "Goner");
        // Escape said nothing. Sorting first: once the circuit has answered a later click, anything it said is shown.
        await list.SortByAsync("Name");
        await list.ExpectNamesAsync("Goner", "Keeper");
        await Expect(list.Snackbars).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Tab_reaches_the_Name_header_and_Enter_and_Space_sort_by_it()
    {
        await CreateCredentialAsync("bravo");
        await CreateCredentialAsync("alpha");
        await CreateCredentialAsync("charlie");
        var list = await LogInAndOpenCredentialsAsync();
        await list.ExpectNamesAsync("charlie", "alpha", "bravo");
        await Expect(list.ColumnHeader("Name")).ToHaveAttributeAsync("aria-sort", "none");
        await Expect(list.ColumnHeader("Last Modified")).ToHaveAttributeAsync("aria-sort", "descending");

        // From the search box, the next stop is the Name header.
        await list.Search.FocusAsync();
        await Page.Keyboard.PressAsync("Tab");
        await Expect(list.SortButton("Name")).ToBeFocusedAsync();

        await Page.Keyboard.PressAsync("Enter");
        await list.ExpectNamesAsync("alpha", "bravo", "charlie");
        await Expect(list.ColumnHeader("Name")).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(list.ColumnHeader("Last Modified")).ToHaveAttributeAsync("aria-sort", "none");

        await Page.Keyboard.PressAsync("Space");
        await list.ExpectNamesAsync("charlie", "bravo", "alpha");
        await Expect(list.ColumnHeader("Name")).ToHaveAttributeAsync("aria-sort", "descending");
    }

    [Fact]
    public async Task A_button_focused_from_the_keyboard_shows_a_ring_and_the_heading_does_not()
    {
        await CreateCredentialAsync("Ringed");
        var list = await LogInAndOpenCredentialsAsync();
        await list.ExpectNamesAsync("Ringed");

        await list.Search.FocusAsync();
        await Page.Keyboard.PressAsync("Tab");
        var button = list.SortButton("Name");
        await Expect(button).ToBeFocusedAsync();
        Assert.NotEqual("none", await button.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));
        Assert.NotEqual("0px", await button.EvaluateAsync<string>("e => getComputedStyle(e).outlineWidth"));

        // The heading takes focus after navigation, for screen readers; it shows no box.
        var heading = list.Heading("Webhook Credentials");
        await heading.EvaluateAsync("e => e.focus()");
        Assert.Equal("none", await heading.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));
    }
}
