namespace CredentialPortal.E2E.Pages;

/// <summary>The credential page's Used by section: the alerts that chose it, its levels and the alerts inheriting through each.</summary>
public sealed class CredentialUsedBySection(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Section => Page.GetByRole(AriaRole.Region, new() { Name = "Used by", Exact = true });

    public ILocator Empty => Section.GetByTestId("used-by-empty");

    /// <summary>The links under "Alerts using it".</summary>
    public ILocator Alerts => Section.GetByRole(AriaRole.List, new() { Name = "Alerts using it", Exact = true })
        .Locator(":scope > li > a");

    /// <summary>The levels' own links (not the alerts listed under them).</summary>
    public ILocator Levels => Section.GetByRole(AriaRole.List, new() { Name = "Hierarchy levels with it as their own", Exact = true })
        .Locator(":scope > li > a");

    /// <summary>The alerts inheriting the credential through the level whose link reads <paramref name="level"/>.</summary>
    public ILocator InheritingThrough(string level) =>
        Section.GetByRole(AriaRole.List, new() { Name = $"Alerts inheriting it through {level}", Exact = true }).GetByRole(AriaRole.Link);
}
