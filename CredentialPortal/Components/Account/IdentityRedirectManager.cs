using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using CredentialPortal.Data;

namespace CredentialPortal.Components.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    public void RedirectTo(string? uri) => navigationManager.NavigateTo(LocalOrHome(uri));

    /// <summary>
    /// Prevents open redirects: a target that does not resolve under the app's own base address (another host,
    /// "//host", "https://host", "javascript:...") becomes the home page, and so does anything with a backslash or a
    /// control character, which browsers read leniently (to them "/\\host" and "/\t/host" mean "//host").
    /// </summary>
    private string LocalOrHome(string? uri)
    {
        var baseUri = navigationManager.BaseUri;
        if (string.IsNullOrEmpty(uri)
            || uri.Any(c => c == '\\' || char.IsControl(c))
            || !Uri.TryCreate(new Uri(baseUri), uri, out var target)
            || !target.AbsoluteUri.StartsWith(baseUri, StringComparison.OrdinalIgnoreCase))
        {
            return "";
        }
        return target.AbsoluteUri[baseUri.Length..];
    }

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        var newUri = navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters);
        RedirectTo(newUri);
    }

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));
        RedirectTo(uri);
    }

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectToCurrentPage() => RedirectTo(CurrentPath);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);

    public void RedirectToInvalidUser(UserManager<ApplicationUser> userManager, HttpContext context)
        => RedirectToWithStatus("Account/InvalidUser", $"Error: Unable to load user with ID '{userManager.GetUserId(context.User)}'.", context);
}
