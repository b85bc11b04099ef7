-- How many records are demo data (their ids start with demo-): the UI says so plainly.
select
    (select count(*) from partners where partner_id like 'demo-%')
  + (select count(*) from programs where program_id like 'demo-%')
  + (select count(*) from participants where participant_id like 'demo-%') as n_demo
