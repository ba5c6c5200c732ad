using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CredentialPortal.Features.Credentials;
using Microsoft.Playwright;

namespace CredentialPortal.Bench;

/// <summary>
/// The speed a person feels on the Webhook Credentials tab: the published portal on the filled file, Chromium through
/// Playwright, and a MutationObserver in the page that notes when rows appear or change (performance.now() in the
/// page, so the test driver's own round trips are not counted). Next to it, in the same run: the same rows as a plain
/// static HTML table (the browser's floor) and the bare service call.
/// </summary>
internal static class BrowserBench
{
    public const string AdminEmail = "bench@portal.test";
    public const string AdminPassword = "Bench-Passw0rd!";
    private const string ListPath = "integrations/webhook-credentials";
    private const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Installed before any page script: notes when the first data row (three cells or more) and the interactive marker appear.</summary>
    private const string ObserverScript = """
        window.__bench = { firstRows: null, interactive: null };
        new MutationObserver((_, observer) => {
            const b = window.__bench;
            if (b.firstRows === null && document.querySelector('table tbody tr td:nth-child(3)')) b.firstRows = performance.now();
            if (b.interactive === null && document.querySelector('[data-interactive="true"]')) b.interactive = performance.now();
            if (b.firstRows !== null && b.interactive !== null) observer.disconnect();
        }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-interactive'] });
        """;

    /// <summary>Clicks the element and resolves with the ms from the click until the table body's text has changed.</summary>
    private const string ClickUntilRowsChange = """
        element => new Promise((resolve, reject) => {
            const body = document.querySelector('table tbody');
            const before = body.textContent;
            const observer = new MutationObserver(() => {
                if (body.textContent !== before) { observer.disconnect(); resolve(performance.now() - start); }
            });
            observer.observe(body, { subtree: true, childList: true, characterData: true });
            setTimeout(() => { observer.disconnect(); reject(new Error('the rows did not change within 10 s')); }, 10000);
            const start = performance.now();
            element.click();
        })
        """;

    public static async Task<int> RunAsync(BenchDatabase database, BenchOptions options)
    {
        var repository = FindRepository();
        var portal = options.PortalFolder ?? await PublishAsync(repository, Path.Combine(database.Folder, "publish"));
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}/";
        using var server = StartPortal(portal, port, database);
        try
        {
            await WaitForHealthAsync(baseUrl, server);
            Console.WriteLine($"Portal: {Path.Combine(portal, "CredentialPortal.dll")} (Production) on {baseUrl}");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Environment.GetEnvironmentVariable("E2E_CHROMIUM") ?? ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
            });
            await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1280, Height = 900 } });
            await context.AddInitScriptAsync(ObserverScript);
            var page = await context.NewPageAsync();
            await LogInAsync(page);

            var staticHtml = await StaticTableAsync(database.Credentials);
            await page.RouteAsync("**/bench-static-table", route => route.FulfillAsync(new() { ContentType = "text/html", Body = staticHtml }));

            for (var run = 1; run <= options.BrowserRuns; run++)
            {
                Console.WriteLine();
                Console.WriteLine($"Browser run {run} of {options.BrowserRuns} ({options.BrowserSamples} samples each; load average {BenchProgram.LoadAverage()}):");
                await MeasureAsync(page, database.Credentials, options.BrowserSamples);
            }
            await TraceFramesAsync(page, clicks: 15);
            return 0;
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
    }

    private static async Task MeasureAsync(IPage page, CredentialService credentials, int samples)
    {
        const string Row = "  {0,-44} {1,10} {2,10}";
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Row, "ms (median of warm samples)", "median", "p95"));
        void Print(string what, List<double> times)
        {
            var summary = Summary.Of(times);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Row, what, summary.Median.ToString("F1"), summary.P95.ToString("F1")));
        }

        // (a) Navigation to the tab: first rows in the document, and the circuit up (clicks handled).
        var (rows, interactive) = await NavigateAsync(page, ListPath, samples);
        Print("portal: navigation -> first rows", rows);
        Print("portal: navigation -> interactive", interactive);
        var (staticRows, _) = await NavigateAsync(page, "bench-static-table", samples);
        Print("static HTML table: navigation -> rows", staticRows);

        // (b) Clicks on the warm tab: a sort header and the next page.
        await page.GotoAsync(ListPath);
        await page.WaitForFunctionAsync("() => window.__bench.firstRows !== null && window.__bench.interactive !== null");
        var sort = page.Locator("thead th button", new() { HasTextString = "Name" }).First;
        var next = page.Locator(".mud-table-pagination-next-button").First;
        var sortTimes = new List<double>();
        var pageTimes = new List<double>();
        // Warm-up clicks first, dozens rather than a few: until tiered JIT has compiled the circuit's path (Blazor's
        // renderer, MudBlazor's table, EF Core) the portal's side of a click is the JIT's (28-32 ms after 3 warm-up
        // clicks, 12-13 ms once warm).
        for (var i = 0; i < samples + ClickWarmup; i++)
        {
            var sorted = await ClickAsync(page, sort);
            var paged = await ClickAsync(page, next);
            if (i >= ClickWarmup)
            {
                sortTimes.Add(sorted);
                pageTimes.Add(paged);
            }
        }
        Print("portal: sort click -> rows changed", sortTimes);
        Print("portal: page click -> rows changed", pageTimes);

        await page.GotoAsync("bench-static-table");
        var swap = page.Locator("#swap");
        var swapTimes = new List<double>();
        for (var i = 0; i < samples + 3; i++)
        {
            var swapped = await ClickAsync(page, swap);
            if (i >= 3)
            {
                swapTimes.Add(swapped);
            }
        }
        Print("static HTML table: click -> tbody replaced", swapTimes);

        // The bare service call behind one page (what no page can beat).
        var calls = new List<double>();
        CredentialListQuery[] queries = [new(), new(SortBy: CredentialSort.Name, Descending: false), new(SortBy: CredentialSort.Name, Page: 1)];
        for (var i = 0; i < samples + 3; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await credentials.ListAsync(queries[i % queries.Length]);
            if (i >= 3)
            {
                calls.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        Print("service: ListAsync (one page, in-process)", calls);
    }

    /// <summary>
    /// Where a click's time goes: the circuit's WebSocket messages as Chromium saw them (CDP Network events), each with its
    /// ms after the click's first message out, its direction, size and the hub method or JS call it names.
    /// </summary>
    private static async Task TraceFramesAsync(IPage page, int clicks)
    {
        Console.WriteLine();
        Console.WriteLine("WebSocket messages per click (ms after the click's first message; > out to the portal, < in from it):");
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var frames = new System.Collections.Concurrent.ConcurrentQueue<(double Seconds, bool Sent, int Bytes, string Label)>();
        void Note(System.Text.Json.JsonElement? e, bool sent)
        {
            if (e is not { } json)
            {
                return;
            }
            var response = json.GetProperty("response");
            var data = response.GetProperty("payloadData").GetString() ?? "";
            var bytes = response.GetProperty("opcode").GetDouble() == 2 ? Convert.FromBase64String(data) : Encoding.UTF8.GetBytes(data);
            frames.Enqueue((json.GetProperty("timestamp").GetDouble(), sent, bytes.Length, Label(bytes)));
        }
        cdp.Event("Network.webSocketFrameSent").OnEvent += (_, e) => Note(e, sent: true);
        cdp.Event("Network.webSocketFrameReceived").OnEvent += (_, e) => Note(e, sent: false);
        await cdp.SendAsync("Network.enable");

        await page.GotoAsync(ListPath);
        await page.WaitForFunctionAsync("() => window.__bench.firstRows !== null && window.__bench.interactive !== null");
        await page.WaitForTimeoutAsync(1000); // the circuit's start-up calls settle first
        var targets = new[]
        {
            ("sort", page.Locator("thead th button", new() { HasTextString = "Name" }).First),
            ("next page", page.Locator(".mud-table-pagination-next-button").First),
        };
        // Phases of each click: the rows' query done (the URL's navigateTo goes out right after it), the rows' render
        // batch in, the rows changed in the page; the last click of each kind is printed message by message.
        var phases = targets.ToDictionary(t => t.Item1, _ => (Query: new List<double>(), Batch: new List<double>(), Rows: new List<double>(), Bytes: new List<double>()));
        for (var i = 0; i < clicks; i++)
        {
            foreach (var (name, target) in targets)
            {
                frames.Clear();
                var elapsed = await ClickAsync(page, target);
                await page.WaitForTimeoutAsync(100);
                var list = frames.ToArray();
                var start = list.FirstOrDefault(f => f.Sent).Seconds;
                var navigate = list.FirstOrDefault(f => !f.Sent && f.Label.Contains("navigateTo", StringComparison.Ordinal));
                var batch = list.FirstOrDefault(f => !f.Sent && f.Label.Contains("RenderBatch", StringComparison.Ordinal));
                if (navigate.Seconds > 0 && batch.Seconds > 0)
                {
                    phases[name].Query.Add((navigate.Seconds - start) * 1000);
                    phases[name].Batch.Add((batch.Seconds - start) * 1000);
                    phases[name].Rows.Add(elapsed);
                    phases[name].Bytes.Add(batch.Bytes);
                }
                if (i < clicks - 1)
                {
                    continue;
                }
                Console.WriteLine($"  {name} click, rows changed after {elapsed:F1} ms:");
                foreach (var frame in list.Where(f => f.Bytes > 3))
                {
                    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "    {0,8:F1} {1} {2,6} B  {3}",
                        (frame.Seconds - start) * 1000, frame.Sent ? ">" : "<", frame.Bytes, frame.Label));
                }
            }
        }
        foreach (var (name, p) in phases)
        {
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "  {0} clicks (median of {1}): query done {2:F1} ms, rows' render batch in {3:F1} ms ({4:F0} B), rows changed {5:F1} ms",
                name, p.Rows.Count, Summary.Of(p.Query).Median, Summary.Of(p.Batch).Median, Summary.Of(p.Bytes).Median, Summary.Of(p.Rows).Median));
        }
        await cdp.DetachAsync();

        // The readable names in a MessagePack (blazorpack) message: hub methods, JS identifiers, event names.
        static string Label(byte[] bytes)
        {
            var words = new List<string>();
            var current = new StringBuilder();
            foreach (var b in bytes.Append((byte)0))
            {
                if (b is >= 0x20 and < 0x7f)
                {
                    current.Append((char)b);
                    continue;
                }
                if (current.Length >= 5 && words.Count < 4)
                {
                    words.Add(current.Length > 48 ? current.ToString(0, 48) + "…" : current.ToString());
                }
                current.Clear();
            }
            return string.Join(" | ", words);
        }
    }

    private static async Task<(List<double> Rows, List<double> Interactive)> NavigateAsync(IPage page, string path, int samples)
    {
        var rows = new List<double>();
        var interactive = new List<double>();
        for (var i = 0; i < samples + 2; i++)
        {
            await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
            await page.WaitForFunctionAsync("() => window.__bench && window.__bench.firstRows !== null && window.__bench.interactive !== null",
                null, new() { Timeout = 30_000 });
            var marks = await page.EvaluateAsync<double[]>("() => [window.__bench.firstRows, window.__bench.interactive]");
            if (i >= 2)
            {
                rows.Add(marks[0]);
                interactive.Add(marks[1]);
            }
        }
        return (rows, interactive);
    }

    private const int ClickWarmup = 40;

    private static async Task<double> ClickAsync(IPage page, ILocator target)
    {
        var elapsed = await target.EvaluateAsync<double>(ClickUntilRowsChange);
        // Let the rest of the render (and any follow-up batch) land before the next click.
        await page.WaitForTimeoutAsync(150);
        return elapsed;
    }

    /// <summary>The first page's rows as a plain HTML table, with a button that swaps in the second page's rows.</summary>
    private static async Task<string> StaticTableAsync(CredentialService credentials)
    {
        var first = await credentials.ListAsync(new());
        var second = await credentials.ListAsync(new(Page: 1));
        static string Rows(CredentialPage page) => string.Concat(page.Items.Select(r =>
            $"<tr><td>{WebUtility.HtmlEncode(r.Name)}</td><td>{r.Type.DisplayName()}</td><td>{PortalFormat.DateTime(r.LastModifiedUtc)}</td><td><button>Edit</button><button>Delete</button></td></tr>"));
        var bodies = new[] { Rows(first), Rows(second) };
        return $$"""
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>static</title></head><body>
            <button id="swap" type="button">swap</button>
            <table><thead><tr><th>Name</th><th>Type</th><th>Last Modified</th><th>Options</th></tr></thead><tbody>{{bodies[0]}}</tbody></table>
            <script>
              const bodies = {{System.Text.Json.JsonSerializer.Serialize(bodies)}}; let shown = 0;
              document.getElementById('swap').addEventListener('click', () => { shown = 1 - shown; document.querySelector('tbody').innerHTML = bodies[shown]; });
              document.body.setAttribute('data-interactive', 'true');
            </script></body></html>
            """;
    }

    private static async Task LogInAsync(IPage page)
    {
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(AdminEmail);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase), new() { Timeout = 30_000 });
    }

    private static Process StartPortal(string folder, int port, BenchDatabase database)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, "CredentialPortal.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = database.Database.Provider.ToString();
        start.Environment["ConnectionStrings__Portal"] = database.ConnectionString;
        start.Environment["DataProtection__KeysPath"] = database.KeysPath;
        start.Environment["Seed__AdminEmail"] = AdminEmail;
        start.Environment["Seed__AdminPassword"] = AdminPassword;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The portal did not start.");
        // Drained so that a chatty log cannot block the portal on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"portal: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForHealthAsync(string baseUrl, Process server)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with code {server.ExitCode}.");
            }
            try
            {
                if ((await http.GetAsync("health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("The portal did not answer /health within 60 s.");
    }

    /// <summary>Publishes the portal in Release, as an operator would run it.</summary>
    private static async Task<string> PublishAsync(string repository, string output)
    {
        Console.WriteLine($"Publishing the portal (Release) to {output} ...");
        var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(repository, "CredentialPortal", "CredentialPortal.csproj"), "-c", "Release", "-o", output, "-nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start.");
        var log = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        log.Append(await stdout).Append(await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed:\n{log}");
        }
        return output;
    }

    private static string FindRepository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CredentialPortal.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("CredentialPortal.sln not found above the bench's folder; pass --portal DIR.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
