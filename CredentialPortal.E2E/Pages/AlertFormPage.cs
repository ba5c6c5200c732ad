using System.Text.Json;
using System.Text.RegularExpressions;

namespace CredentialPortal.E2E.Pages;

/// <summary>
/// The alert form, create and edit alike, in steps GENERAL › CONDITIONS › ACTIONS: Next moves on, Back returns,
/// Save on the last step saves.
/// </summary>
public sealed class AlertFormPage(IPage page, string listTitle, bool isEdit) : PortalPage(page)
{
    public bool IsEdit { get; } = isEdit;

    /// <summary>"New Runtime Alert" / "New Platform Event", or "Edit alert".</summary>
    public string Title => IsEdit ? "Edit alert" : listTitle == AlertListPage.PlatformEvents ? "New Platform Event" : "New Runtime Alert";

    public override string Path =>
        (listTitle == AlertListPage.PlatformEvents ? "flexible-actions/platform-events" : "flexible-actions/runtime-alerts") + "/new";

    /// <summary>The step shown now, as the step indicator marks it (aria-current).</summary>
    public ILocator CurrentStep => Page.GetByRole(AriaRole.List, new() { Name = "Steps", Exact = true }).Locator("[aria-current]");

    // GENERAL
    public ILocator Name => Field("Name");

    /// <summary>The alert's workspace; its options read "Ops (Acme › Europe)" (workspace, then partner › organization).</summary>
    public ILocator Workspace => Select("Workspace");

    // CONDITIONS
    public ILocator PlatformEvent => Select("Platform event");

    public ILocator Metric => Select("Metric");

    public ILocator Comparison => Select("Comparison");

    public ILocator Threshold => Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Threshold", Exact = true });

    public ILocator Window => Select("Window");

    // ACTIONS
    public ILocator WebhookSwitch => Page.GetByRole(AriaRole.Switch, new() { Name = "Webhook", Exact = true });

    public ILocator Url => Field("URL");

    public ILocator Method => Select("Method");

    public ILocator AddHeaderButton => Page.GetByRole(AriaRole.Button, new() { Name = "Add header", Exact = true });

    public ILocator HeaderName(int number) => Field($"Header {number} name");

    public ILocator HeaderValue(int number) => Field($"Header {number} value");

    public ILocator Credential => Select("Credential");

    /// <summary>With Credential Inherit: the credential it resolves to now and the level it comes from.</summary>
    public ILocator InheritedCredential => Page.GetByTestId("inherited-credential");

    public ILocator NextButton => Button("Next");

    public ILocator BackButton => Button("Back");

    public ILocator SaveButton => Button("Save");

    public ILocator CancelButton => Button("Cancel");

    /// <summary>The options of the open select or autocomplete.</summary>
    public ILocator Options => Page.GetByRole(AriaRole.Listbox).GetByRole(AriaRole.Option);

    public ILocator Field(string label) => Page.GetByLabel(label, new() { Exact = true });

    public ILocator Select(string label) => Page.GetByRole(AriaRole.Combobox, new() { Name = label, Exact = true });

    private ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public override async Task ExpectOpenAsync()
    {
        await Expect(Heading(Title)).ToBeVisibleAsync();
        await WaitForInteractiveAsync();
        await ExpectStepAsync("GENERAL");
    }

    /// <summary>The marked step is this one (its text may follow the "›" between steps).</summary>
    public Task ExpectStepAsync(string step) =>
        Expect(CurrentStep).ToHaveTextAsync(new Regex(@"^›?\s*" + Regex.Escape(step) + "$"));

    public async Task NextAsync(string expectedStep)
    {
        await NextButton.ClickAsync();
        await ExpectStepAsync(expectedStep);
    }

    public async Task BackAsync(string expectedStep)
    {
        await BackButton.ClickAsync();
        await ExpectStepAsync(expectedStep);
    }

    /// <summary>Opens the select labelled <paramref name="label"/> and picks the option with exactly this text.</summary>
    public async Task ChooseAsync(string label, string option)
    {
        await Select(label).ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await ExpectChoiceAsync(label, option);
    }

    /// <summary>
    /// The select shows this choice, as a screen reader announces it (a MudSelect's combobox is an input or a div,
    /// depending on its state: its accessible value works for both).
    /// </summary>
    public Task ExpectChoiceAsync(string label, string option) =>
        Expect(Select(label)).ToMatchAriaSnapshotAsync($"- combobox {JsonSerializer.Serialize(label)}: {JsonSerializer.Serialize(option)}");

    /// <summary>CONDITIONS of a Runtime Alert: metric, comparison, threshold and window.</summary>
    public async Task SetConditionAsync(string metric, string comparison, string threshold, string window)
    {
        await ChooseAsync("Metric", metric);
        await ChooseAsync("Comparison", comparison);
        await Threshold.FillAsync(threshold);
        await ChooseAsync("Window", window);
    }

    /// <summary>ACTIONS: turns the Webhook option on (if it is off) and fills its URL.</summary>
    public async Task EnableWebhookAsync(string url)
    {
        if (!await WebhookSwitch.IsCheckedAsync())
        {
            await WebhookSwitch.CheckAsync();
        }
        await Expect(WebhookSwitch).ToBeCheckedAsync();
        await Url.FillAsync(url);
    }

    /// <summary>Adds an extra header as the next key/value pair.</summary>
    public async Task AddHeaderAsync(int number, string name, string value)
    {
        await AddHeaderButton.ClickAsync();
        await HeaderName(number).FillAsync(name);
        await HeaderValue(number).FillAsync(value);
    }

    /// <summary>The buttons of the form that a screen reader could only call "button" (no accessible name).</summary>
    public async Task<int> CountUnnamedButtonsAsync()
    {
        var form = Page.Locator("form").Filter(new() { Has = NextButton.Or(SaveButton) });
        var snapshot = await form.AriaSnapshotAsync();
        return Regex.Matches(snapshot, @"^\s*- button\s*$", RegexOptions.Multiline).Count;
    }

    /// <summary>Opens the Credential choices (all of them: No Auth and every credential).</summary>
    public async Task OpenCredentialChoicesAsync()
    {
        await Credential.ClickAsync();
        await Expect(Credential).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(Options.First).ToBeVisibleAsync();
    }

    /// <summary>Chooses the workspace by its option text, e.g. "Ops (Acme › Europe)".</summary>
    public Task ChooseWorkspaceAsync(string option) => ChooseAsync("Workspace", option);

    /// <summary>Picks No Auth, Inherit or a credential; a credential's option is found by its name (the option also shows type and date).</summary>
    public async Task ChooseCredentialAsync(string name)
    {
        await OpenCredentialChoicesAsync();
        var option = name == "No Auth"
            ? Options.Filter(new() { HasText = "No Auth" })
            : Options.Filter(new() { Has = Page.GetByText(name, new() { Exact = true }) });
        await option.ClickAsync();
        await ExpectChoiceAsync("Credential", name);
        await Expect(Options).ToHaveCountAsync(0);
    }

    /// <summary>Saves (the last step) and lands on the saved alert's overview.</summary>
    public async Task<AlertOverviewPage> SaveAsync(string name)
    {
        await SaveButton.ClickAsync();
        var overview = new AlertOverviewPage(Page, name);
        await overview.ExpectOpenAsync();
        return overview;
    }
}
