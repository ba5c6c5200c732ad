using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace CredentialPortal.E2E.Infrastructure;

/// <summary>
/// A browserless client of the portal: real HTTP over loopback with its own cookie jar, no automatic redirects (tests
/// read the Location), and optionally from another loopback address (127.0.0.2, ...) to stand for another client.
/// Posts the portal's static forms the way a browser does: the hidden fields (form name, antiforgery token) from a GET.
/// </summary>
public sealed partial class PortalHttpClient : IDisposable
{
    public const string AuthCookie = ".AspNetCore.Identity.Application";

    private readonly SocketsHttpHandler handler;

    public PortalHttpClient(PortalApplication app, IPAddress? from = null)
    {
        BaseAddress = new Uri(app.BaseUrl);
        handler = new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false };
        if (from is not null)
        {
            handler.ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        Http = new HttpClient(handler) { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    /// <summary>Puts a cookie taken from a browser into this client's jar (a stolen or copied session).</summary>
    public void AddCookie(string name, string value) => Cookies.Add(BaseAddress, new System.Net.Cookie(name, value));

    /// <summary>GETs a page and returns its hidden form fields (form name, antiforgery token).</summary>
    public async Task<Dictionary<string, string>> HiddenFieldsAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        return HiddenInput().Matches(html)
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
    }

    /// <summary>Posts the form of the page at <paramref name="path"/> with these fields, as the browser would.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, IReadOnlyDictionary<string, string> fields)
    {
        var form = await HiddenFieldsAsync(path);
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }
        return await Http.PostAsync(path, new FormUrlEncodedContent(form));
    }

    /// <summary>Posts the log-in form; the answer is not followed (302 on success or lockout, the page otherwise).</summary>
    public Task<HttpResponseMessage> LogInAsync(string email, string password, string? returnUrl = null) =>
        SubmitAsync(
            returnUrl is null ? "Account/Login" : $"Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}",
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    /// <summary>Where a redirect points, resolved against the portal's address.</summary>
    public Uri? RedirectTarget(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? new Uri(BaseAddress, location) : null;

    public void Dispose()
    {
        Http.Dispose();
        handler.Dispose();
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenInput();
}
