namespace CredentialPortal.E2E.Pages;

/// <summary>A page object: finds controls the way a person (or a screen reader) does, by label, role and name.</summary>
public abstract class PortalPage(IPage page)
{
    public IPage Page { get; } = page;

    /// <summary>Base-relative path, e.g. "Account/Login".</summary>
    public abstract string Path { get; }

    public virtual async Task GotoAsync()
    {
        await Page.GotoAsync(Path);
        await ExpectOpenAsync();
    }

    /// <summary>Waits until the page is shown (and, for interactive pages, ready for clicks).</summary>
    public abstract Task ExpectOpenAsync();

    /// <summary>The browser's reload: a new request and a new circuit.</summary>
    public async Task ReloadAsync()
    {
        await Page.ReloadAsync();
        await ExpectOpenAsync();
    }

    /// <summary>
    /// Interactive pages handle clicks only once the Blazor circuit is connected; the layout says so with
    /// data-interactive="true".
    /// </summary>
    protected Task WaitForInteractiveAsync() =>
        Expect(Page.Locator("[data-interactive=true]")).ToBeAttachedAsync();

    public ILocator Heading(string name) =>
        Page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 });
}
