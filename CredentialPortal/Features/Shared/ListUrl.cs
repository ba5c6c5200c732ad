using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace CredentialPortal.Features.Shared;

/// <summary>
/// A list's state in its URL's query, so that it survives a reload, Save on a form and back/forward:
/// <c>page</c> (from 1), <c>size</c> (rows per page), <c>sort</c> (a column), <c>dir</c> (<c>asc</c> or <c>desc</c>)
/// and, where the list has a search box, <c>q</c>. Defaults are left out of the URL.
/// </summary>
public static class ListUrl
{
    public const int DefaultPageSize = 25;

    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50, 100];

    /// <summary>The query's page (from 1) as a zero-based page; anything unreadable or below 1 is the first page.</summary>
    public static int PageIndex(int? page) => page is > 1 ? page.Value - 1 : 0;

    /// <summary>Far past any real list, and far enough below int.MaxValue that a bound counted past it cannot overflow.</summary>
    public const int MaxOffset = 1_000_000_000;

    /// <summary>
    /// Where a zero-based page of <paramref name="pageSize"/> rows starts, at most <see cref="MaxOffset"/>: a page number
    /// typed into a URL or an API call would otherwise wrap round to a negative offset (on SQLite the first page, on
    /// PostgreSQL an error).
    /// </summary>
    public static int Offset(int page, int pageSize) => (int)Math.Min(MaxOffset, (long)Math.Max(0, page) * Math.Max(0, pageSize));

    /// <summary>One of the offered sizes, else the default.</summary>
    public static int PageSize(int? size) => size is { } value && PageSizes.Contains(value) ? value : DefaultPageSize;

    /// <summary>The direction the query names, else the column's own first direction.</summary>
    public static bool Descending(string? dir, bool byDefault) => dir?.ToLowerInvariant() switch
    {
        "asc" => false,
        "desc" => true,
        _ => byDefault,
    };

    public static SortDirection Direction(bool sorted, bool descending) =>
        !sorted ? SortDirection.None : descending ? SortDirection.Descending : SortDirection.Ascending;

    /// <summary>The current page's URL with the list's state, always in this order; defaults are left out.</summary>
    public static string With(NavigationManager navigation, int page, int pageSize, string? sort, bool? descending, string? search = null) =>
        navigation.GetUriWithQueryParameters(new Uri(navigation.Uri).GetLeftPart(UriPartial.Path), new Dictionary<string, object?>
        {
            ["page"] = page > 0 ? (page + 1).ToString(CultureInfo.InvariantCulture) : null,
            ["size"] = pageSize != DefaultPageSize ? pageSize.ToString(CultureInfo.InvariantCulture) : null,
            ["sort"] = sort,
            ["dir"] = descending is null ? null : descending.Value ? "desc" : "asc",
            ["q"] = string.IsNullOrWhiteSpace(search) ? null : search.Trim(),
        });

    /// <summary>
    /// Where a form returns to: <paramref name="returnUrl"/> when it is the list itself (with any query), else the list.
    /// Only the list's own path is accepted, so the parameter cannot send anyone to another site or page.
    /// </summary>
    public static string Return(string? returnUrl, string listPath)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Any(char.IsControl))
        {
            return listPath;
        }
        return returnUrl == listPath || returnUrl.StartsWith(listPath + "?", StringComparison.Ordinal) ? returnUrl : listPath;
    }
}
