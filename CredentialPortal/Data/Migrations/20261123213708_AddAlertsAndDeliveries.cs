using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddAlertsAndDeliveries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Alerts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false, collation: "NOCASE"),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    PlatformEvent = table.Column<string>(type: "TEXT", nullable: true),
                    Metric = table.Column<string>(type: "TEXT", nullable: true),
                    Comparison = table.Column<int>(type: "INTEGER", nullable: true),
                    Threshold = table.Column<double>(type: "REAL", nullable: true),
                    WindowMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    WebhookEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    WebhookUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    WebhookMethod = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    CredentialId = table.Column<int>(type: "INTEGER", nullable: true),
                    RemovedCredentialName = table.Column<string>(type: "TEXT", nullable: true),
                    RemovedCredentialAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastModifiedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    WebhookHeaders = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Alerts_Credentials_CredentialId",
                        column: x => x.CredentialId,
                        principalTable: "Credentials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlertId = table.Column<int>(type: "INTEGER", nullable: false),
                    SentAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IsTest = table.Column<bool>(type: "INTEGER", nullable: false),
                    Delivered = table.Column<bool>(type: "INTEGER", nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    Method = table.Column<string>(type: "TEXT", nullable: false),
                    Url = table.Column<string>(type: "TEXT", nullable: false),
                    Headers = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookDeliveries_Alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "Alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_CredentialId",
                table: "Alerts",
                column: "CredentialId");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_Kind_LastModifiedUtc_Id",
                table: "Alerts",
                columns: new[] { "Kind", "LastModifiedUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_Kind_Name_Id",
                table: "Alerts",
                columns: new[] { "Kind", "Name", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_AlertId_Id",
                table: "WebhookDeliveries",
                columns: new[] { "AlertId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WebhookDeliveries");

            migrationBuilder.DropTable(
                name: "Alerts");
        }
    }
}
