// The parts the lessons' charts share around their SVG: the legend of their series, and the table
// of every number behind a chart, folded under "The numbers".

/**
 * A legend item per series, coloured by its position (sweep-line-0, -1, …).
 * @param {{ name: string }[]} series
 */
export function seriesLegend(series) {
  const legend = document.createElement('ul');
  legend.className = 'sweep-legend';
  series.forEach((s, index) => {
    const item = document.createElement('li');
    item.className = `sweep-key sweep-line-${index}`;
    item.textContent = s.name;
    legend.append(item);
  });
  return legend;
}

/**
 * A table with a caption, a column header per name and a row per entry of `rows`: its header
 * cell, then its values.
 * @param {string} caption
 * @param {string[]} columns
 * @param {{ head: string, cells: string[] }[]} rows
 */
export function numbersTable(caption, columns, rows) {
  const table = document.createElement('table');
  table.className = 'sweep-table';
  table.createCaption().textContent = caption;
  const headRow = table.createTHead().insertRow();
  for (const name of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = name;
    headRow.append(th);
  }
  const body = table.createTBody();
  for (const { head, cells } of rows) {
    const row = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = head;
    row.append(th);
    for (const cell of cells) row.insertCell().textContent = cell;
  }
  return table;
}

/**
 * The table folded under "The numbers", scrolling sideways when it is wider than the page.
 * @param {HTMLTableElement} table
 */
export function numbersDetails(table) {
  const details = document.createElement('details');
  details.className = 'sweep-details';
  const summary = document.createElement('summary');
  summary.textContent = 'The numbers';
  const scroll = document.createElement('div');
  scroll.className = 'sweep-scroll';
  scroll.append(table);
  details.append(summary, scroll);
  return details;
}
