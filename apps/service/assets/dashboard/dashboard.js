// The OrderBridge dashboard: reads the tenant's /v1/reports endpoints with the API key the user
// entered, kept in sessionStorage (this tab only) and sent in the Authorization header, never in a
// URL. Every chart (uPlot, served by the service) has the table of its data under it.
(() => {
  const KEY_STORAGE = 'orderbridge.apiKey';
  const COLORS = [
    '#2563eb',
    '#dc2626',
    '#16a34a',
    '#9333ea',
    '#ea580c',
    '#0891b2',
    '#a16207',
    '#db2777',
    '#475569',
  ];
  const byId = (id) => document.getElementById(id);
  let plots = [];

  class AuthenticationFailed extends Error {}

  function storedKey() {
    return sessionStorage.getItem(KEY_STORAGE);
  }

  async function api(path) {
    const response = await fetch(path, { headers: { authorization: `Bearer ${storedKey()}` } });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) {
      sessionStorage.removeItem(KEY_STORAGE);
      throw new AuthenticationFailed(body.detail || 'The API key was not accepted.');
    }
    if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
    return body;
  }

  /** Decimal places of a currency's minor unit (JPY 0, KWD 3), from the browser's ISO 4217 data. */
  function fractionDigits(currency) {
    try {
      return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits;
    } catch {
      return 2;
    }
  }

  /** Exact decimal text of minor units (no floating point): 4565 USD → "45.65". */
  function decimal(minor, currency) {
    const digits = fractionDigits(currency);
    const sign = minor < 0 ? '-' : '';
    const text = String(Math.abs(minor)).padStart(digits + 1, '0');
    if (digits === 0) return sign + text;
    return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
  }

  function element(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  /** A table: columns `{ label, value(row), number? }`. */
  function table(columns, rows, caption) {
    const head = element('thead', {}, [
      element(
        'tr',
        {},
        columns.map((column) => element('th', { scope: 'col', text: column.label })),
      ),
    ]);
    const body = element(
      'tbody',
      {},
      rows.map((row) =>
        element(
          'tr',
          {},
          columns.map((column) => {
            const value = column.value(row);
            return element('td', {
              class: column.number ? 'number' : '',
              text: value === null || value === undefined ? '' : String(value),
            });
          }),
        ),
      ),
    );
    const children = caption ? [element('caption', { text: caption }), head, body] : [head, body];
    return element('table', {}, children);
  }

  /**
   * A chart and the table behind it. `labels` are the x values; each series has one value per
   * label, null where it has no point. The figure's `data-points` counts the points drawn.
   */
  function chart(container, { id, title, labels, series, bars, format }) {
    const plot = element('div', { class: 'plot' });
    const points = series.reduce(
      (sum, entry) => sum + entry.values.filter((value) => value !== null).length,
      0,
    );
    const columns = [
      { label: 'x', value: (index) => labels[index] },
      ...series.map((entry) => ({
        label: entry.label,
        number: true,
        value: (index) => {
          const value = entry.values[index];
          return value === null ? '' : format ? format(value, entry) : value;
        },
      })),
    ];
    const details = element('details', { open: '' }, [
      element('summary', { text: `Data of “${title}”` }),
      element('div', { class: 'table-scroll' }, [
        table(
          columns,
          labels.map((_, index) => index),
          title,
        ),
      ]),
    ]);
    const figure = element('figure', { id, 'data-points': String(points) }, [
      element('figcaption', { text: title }),
      plot,
      details,
    ]);
    container.append(figure);
    const width = Math.max(320, container.clientWidth - 10);
    const options = {
      width,
      height: 240,
      scales: { x: { time: false } },
      axes: [
        {
          space: 90,
          values: (_, ticks) => ticks.map((tick) => labels[tick] ?? ''),
        },
        {},
      ],
      series: [
        { label: 'x', value: (_, index) => (index === null ? '' : (labels[index] ?? '')) },
        ...series.map((entry, index) => ({
          label: entry.label,
          stroke: COLORS[index % COLORS.length],
          fill: bars ? `${COLORS[index % COLORS.length]}66` : undefined,
          width: 2,
          spanGaps: false,
          points: { show: true },
          paths: bars ? uPlot.paths.bars({ size: [0.6, 60] }) : undefined,
        })),
      ],
    };
    const data = [labels.map((_, index) => index), ...series.map((entry) => entry.values)];
    plots.push(new uPlot(options, data, plot));
    return figure;
  }

  function headline(label, value, id, title) {
    return element(
      'div',
      { class: 'headline', id, 'data-value': String(value), title: title || '' },
      [
        element('span', { class: 'label', text: label }),
        element('span', { class: 'value', text: value }),
      ],
    );
  }

  function query() {
    const parameters = new URLSearchParams();
    const from = byId('from').value;
    const to = byId('to').value;
    if (from) parameters.set('from', from);
    if (to) parameters.set('to', to);
    return parameters;
  }

  function renderOverview(revenue) {
    const headlines = byId('headlines');
    const charts = byId('overview-charts');
    const totalOrders = revenue.rows.reduce((sum, row) => sum + row.orders, 0);
    headlines.append(headline('Orders', totalOrders, 'headline-orders'));
    const currencies = [...new Set(revenue.rows.map((row) => row.currency))].sort();
    for (const currency of currencies) {
      const rows = revenue.rows.filter((row) => row.currency === currency);
      const amount = rows.reduce((sum, row) => sum + row.amountMinor, 0);
      const net = rows.reduce((sum, row) => sum + row.netMinor, 0);
      headlines.append(
        headline(
          `Amount ${currency}`,
          decimal(amount, currency),
          `headline-amount-${currency}`,
          'Σ totals.total',
        ),
        headline(
          `Net ${currency}`,
          decimal(net, currency),
          `headline-net-${currency}`,
          'captured − refunded',
        ),
      );
    }
    byId('freshness').textContent =
      revenue.freshness.length === 0
        ? 'No orders stored yet: run "orderbridge sync".'
        : `Data as of: ${revenue.freshness
            .map(
              (entry) =>
                `${entry.provider} — last sync ${entry.lastSyncAt ?? 'never completed'}, last order seen ${entry.lastSeenAt ?? 'never'}`,
            )
            .join('; ')}`;

    // Orders per period by status, summed over providers and currencies (counts do add up).
    const periods = [...new Set(revenue.rows.map((row) => row.period))].sort();
    const statuses = [...new Set(revenue.rows.flatMap((row) => Object.keys(row.byStatus)))].sort();
    const counts = new Map();
    for (const row of revenue.rows) {
      for (const [status, orders] of Object.entries(row.byStatus)) {
        const key = `${row.period}\u0000${status}`;
        counts.set(key, (counts.get(key) ?? 0) + orders);
      }
    }
    chart(charts, {
      id: 'chart-orders-by-status',
      title: `Orders per ${revenue.by} by status`,
      labels: periods,
      series: statuses.map((status) => ({
        label: status,
        values: periods.map((period) => counts.get(`${period}\u0000${status}`) ?? null),
      })),
    });

    // Revenue per period: one chart per currency (amounts of two currencies are never added).
    for (const currency of currencies) {
      const rows = revenue.rows.filter((row) => row.currency === currency);
      const currencyPeriods = [...new Set(rows.map((row) => row.period))].sort();
      const providers = [...new Set(rows.map((row) => row.provider))].sort();
      const digits = fractionDigits(currency);
      chart(charts, {
        id: `chart-revenue-${currency}`,
        title: `Amount per ${revenue.by}, ${currency}`,
        labels: currencyPeriods,
        series: providers.map((provider) => ({
          label: provider,
          values: currencyPeriods.map((period) => {
            const row = rows.find(
              (entry) => entry.period === period && entry.provider === provider,
            );
            return row ? row.amountMinor / 10 ** digits : null;
          }),
        })),
        format: (value) => value.toFixed(digits),
      });
    }
  }

  function renderQueue(report) {
    byId('queue-summary').textContent =
      `${report.total} order${report.total === 1 ? '' : 's'} awaiting or partly in fulfilment (ages as of ${report.asOf}).`;
    chart(byId('queue-charts'), {
      id: 'chart-queue-age',
      title: 'Queue by age',
      labels: report.byAge.map((entry) => entry.bucket),
      series: [{ label: 'orders', values: report.byAge.map((entry) => entry.orders) }],
      bars: true,
    });
    byId('queue-table').append(
      table(
        [
          { label: 'order', value: (row) => row.key },
          { label: 'status', value: (row) => row.status },
          { label: 'fulfilment', value: (row) => row.fulfillmentStatus },
          {
            label: 'units done / total',
            value: (row) => `${row.unitsDone ?? '?'} / ${row.unitsTotal ?? '?'}`,
            number: true,
          },
          { label: 'age (days)', value: (row) => row.ageDays, number: true },
          { label: 'created', value: (row) => row.createdAt },
          {
            label: 'amount',
            value: (row) => `${decimal(row.amountMinor, row.currency)} ${row.currency}`,
            number: true,
          },
        ],
        report.queue,
        'Oldest first',
      ),
    );
  }

  function renderMerchants(report) {
    byId('merchants-table').append(
      table(
        [
          { label: 'provider', value: (row) => row.provider },
          { label: 'merchant', value: (row) => row.merchantName ?? row.merchantId ?? '(none)' },
          { label: 'currency', value: (row) => row.currency },
          { label: 'orders', value: (row) => row.orders, number: true },
          { label: 'amount', value: (row) => decimal(row.amountMinor, row.currency), number: true },
          { label: 'net', value: (row) => decimal(row.netMinor, row.currency), number: true },
          { label: 'awaiting capture', value: (row) => row.awaitingCaptureOrders, number: true },
          { label: 'problems', value: (row) => row.problemOrders, number: true },
          { label: 'chargebacks', value: (row) => row.chargebackOrders, number: true },
          { label: 'anomalies', value: (row) => row.anomalies, number: true },
        ],
        // Merchants with anomalies first.
        [...report.rows].sort((left, right) => right.anomalies - left.anomalies),
      ),
    );
    byId('anomalies-table').append(
      report.anomalies.length === 0
        ? element('p', { text: 'No anomalies.' })
        : table(
            [
              { label: 'kind', value: (row) => row.kind },
              { label: 'order', value: (row) => row.key },
              { label: 'merchant', value: (row) => row.merchantId ?? '(none)' },
              { label: 'detail', value: (row) => row.detail },
            ],
            report.anomalies,
          ),
    );
  }

  function clear() {
    for (const plot of plots) plot.destroy();
    plots = [];
    for (const id of [
      'headlines',
      'overview-charts',
      'queue-charts',
      'queue-table',
      'merchants-table',
      'anomalies-table',
    ]) {
      byId(id).replaceChildren();
    }
  }

  async function load() {
    const status = byId('tenant-status');
    status.textContent = 'Loading…';
    const parameters = query();
    const revenueParameters = new URLSearchParams(parameters);
    revenueParameters.set('by', byId('period').value);
    try {
      const [revenue, queue, merchants] = await Promise.all([
        api(`/v1/reports/revenue?${revenueParameters}`),
        api(`/v1/reports/fulfillment?${parameters}`),
        api(`/v1/reports/merchants?${parameters}`),
      ]);
      clear();
      byId('sign-in').hidden = true;
      byId('reports').hidden = false;
      byId('forget-key').hidden = false;
      renderOverview(revenue);
      renderQueue(queue);
      renderMerchants(merchants);
      status.textContent = 'API key kept for this tab only.';
      document.body.dataset.loaded = 'true';
    } catch (error) {
      if (error instanceof AuthenticationFailed) {
        showSignIn(error.message);
        status.textContent = '';
      } else {
        status.textContent = `Could not load the reports: ${error.message}`;
        status.className = 'error';
      }
    }
  }

  function showSignIn(message) {
    clear();
    byId('reports').hidden = true;
    byId('forget-key').hidden = true;
    byId('sign-in').hidden = false;
    byId('sign-in-error').textContent = message || '';
  }

  byId('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('api-key');
    sessionStorage.setItem(KEY_STORAGE, input.value.trim());
    input.value = '';
    load();
  });
  byId('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  byId('forget-key').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    showSignIn('');
  });

  if (storedKey()) load();
  else showSignIn('');
})();
